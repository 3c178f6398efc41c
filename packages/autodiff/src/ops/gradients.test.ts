import { describeGradients } from '../../test/gradient-suite.js';

// On the active backend: `reference` in tests unless TAPENET_BACKEND says otherwise.
describeGradients('gradients');
