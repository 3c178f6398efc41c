/**
 * @file The conformance suite on the gpujs backend in 'cpu', 'webasm' and 'headlessgl' modes; each
 * asserts the mode that really ran. headlessgl needs the native `gl` package and an X display: without
 * them its suite shows as skipped with the reason (the package's `test` script runs it under xvfb-run).
 * CI sets `TAPENET_REQUIRE_MODES=headlessgl` (comma-separated), which turns that skip into a failure.
 */
// The kernels' one conformance suite (test-only, not published), as apps/cli's tests share train's helpers.
import { describeConformance } from '../../kernels/test/conformance.js';
import { createGpujsBackend, type GpujsBackend, type GpujsRunMode } from '../src/index.js';
import { unavailableReason } from '../src/modes.js';

/** fast-check runs per random case: each run compiles fresh kernels, which is slow in GL modes. */
const RUNS: { readonly [M in GpujsRunMode]?: number } = { cpu: 10, webasm: 5, headlessgl: 3 };

const required = (process.env.TAPENET_REQUIRE_MODES ?? '').split(',').filter((m) => m !== '');

for (const [mode, numRuns] of Object.entries(RUNS) as [GpujsRunMode, number][]) {
  const reason = unavailableReason(mode);
  if (reason !== null && required.includes(mode)) {
    throw new Error(`gpujs mode '${mode}' is required (TAPENET_REQUIRE_MODES) but unavailable: ${reason}`);
  }
  describeConformance(`gpujs (${mode})`, (): GpujsBackend => createGpujsBackend({ mode }), {
    numRuns,
    mode,
    skip: reason,
    teardown: (b) => b.destroy(),
  });
}
