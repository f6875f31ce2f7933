export * from './postgres';
export * from './ports';
export * from './paths';
export * from './process';
export * from './run-file';
export * from './ready';
export * from './stack';
