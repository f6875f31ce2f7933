export * from './postgres';
export * from './ports';
export * from './paths';
export * from './process';
export * from './stack';
