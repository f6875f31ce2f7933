export * from './common';
export * from './define';
export * from './orders';
export * from './stock';
export * from './payments';
