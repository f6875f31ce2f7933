// The SDK reports a failed call either by throwing an Error whose message is a JSON string
// ({error, error_msg, status}) or by RETURNING {error}. These helpers turn both into one shape.

export interface SidecarFailure {
  /** HTTP status the sidecar answered, or undefined when it could not be reached at all. */
  status: number | undefined;
  /** The sidecar's own error body, e.g. {"errorCode":"ERR_STATE_SAVE", "message": ...}. */
  body: unknown;
  message: string;
}

export function describeFailure(error: unknown): SidecarFailure {
  const message = error instanceof Error ? error.message : String(error);
  try {
    const parsed = JSON.parse(message) as { status?: unknown; error_msg?: unknown };
    if (typeof parsed.status === 'number') {
      let body: unknown = parsed.error_msg;
      try {
        body = typeof parsed.error_msg === 'string' ? JSON.parse(parsed.error_msg) : parsed.error_msg;
      } catch {
        // not JSON: keep the text
      }
      return { status: parsed.status, body, message: typeof parsed.error_msg === 'string' ? parsed.error_msg : message };
    }
  } catch {
    // not the SDK's JSON error: a network failure or similar
  }
  return { status: undefined, body: undefined, message };
}

/** Throws what the SDK returned as `{error}`, so callers see one behaviour: failure throws. */
export function throwIfReturnedError(result: unknown): void {
  if (result && typeof result === 'object' && 'error' in result && result.error) {
    throw result.error instanceof Error ? result.error : new Error(JSON.stringify(result.error));
  }
}
