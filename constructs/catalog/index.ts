export * from './gpu-models';
export * from './platforms';
