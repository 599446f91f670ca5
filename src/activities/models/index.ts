export * from './activity';
export * from './attendance';
export * from './rollup';
export * from './notice';
