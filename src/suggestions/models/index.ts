export * from './enums';
export * from './department';
export * from './suggestion';
