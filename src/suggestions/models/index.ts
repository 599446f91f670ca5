export * from './enums';
export * from './department';
export * from './suggestion';
export * from './notice';
export * from './satisfaction-link';
export * from './import-batch';
