import type { OrderEvent } from '../domain/order';

export interface OrderSummary {
  id: string;
  status: string;
  total: { amount: number; currency: string };
  itemCount: number;
  placedAt: string;
  updatedAt: string;
}

export interface OrderDetail extends OrderSummary {
  customerId: string;
  lines: unknown[];
  shippingAddress: unknown;
  payment: { brand: string; last4: string; paymentId: string | null };
  cancelReason: string | null;
  trackingNumber: string | null;
  timeline: Array<{ version: number; type: string; at: string; detail: Record<string, unknown> }>;
}

export interface OrderPage {
  items: OrderSummary[];
  nextCursor: string | null;
}

/** The order history, projected from the events; every method is idempotent per (order, version). */
export interface OrderReadModel {
  register(orderId: string, customerId: string): Promise<void>;
  project(event: OrderEvent): Promise<void>;
  get(orderId: string): Promise<OrderDetail | undefined>;
  list(filter: { customerId?: string; limit: number; cursor?: string }): Promise<OrderPage>;
  /** Orders confirmed and not shipped, oldest first. */
  confirmedIds(limit: number): Promise<string[]>;
  /**
   * Orders of the last day not shipped or cancelled here (including those registered and never
   * projected) whose last change here is older than `before`: the ones whose saga may have stalled.
   */
  unfinishedIds(before: Date, limit: number): Promise<string[]>;
  registeredIds(afterId: string | undefined, limit: number): Promise<string[]>;
  clear(): Promise<void>;
}
