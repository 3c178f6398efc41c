/**
 * @file `@tapenet/kernels/testing`: the one tolerance table of tapenet's tests (re-exported by
 * `@tapenet/autodiff/testing`). Plain constants and one function; nothing here runs a kernel.
 */
export { close, TOL, type Tol, type TolName } from './tolerances.js';
