/** @file Uses the workspace's one vitest configuration. */
export { default } from '../../vitest.shared.js';
