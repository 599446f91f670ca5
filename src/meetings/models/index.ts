export * from './meeting';
export * from './invitation';
export * from './reminder';
export * from './meeting-page';
