export * from './publishable';
export * from './article';
export * from './deputy';
export * from './deputy-group';
export * from './case-study';
export * from './media';
export * from './history';
