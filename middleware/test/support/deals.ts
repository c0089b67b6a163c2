export * from '../../src/demo/deals';
