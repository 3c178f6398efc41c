/** @file LeNet-5 in TensorFlow.js (NHWC, HWIO filters), the same network, init and SGD as tapenet's. */
import type * as TF from '@tensorflow/tfjs';
import { chwRowsToHwc, LENET_KEYS, LENET_LR, type LenetTrainer, lenetInit, oihwToHwio } from '../data.js';

/** A LeNet-5 SGD trainer on whatever tfjs backend is active when it is created and stepped. */
export function tfjsLenet(tf: typeof TF): LenetTrainer {
  const p0 = lenetInit();
  let params: TF.Tensor[] = [
    tf.tensor4d(oihwToHwio(p0.c1w, 6, 1, 5, 5), [5, 5, 1, 6]),
    tf.tensor1d(p0.c1b),
    tf.tensor4d(oihwToHwio(p0.c2w, 16, 6, 5, 5), [5, 5, 6, 16]),
    tf.tensor1d(p0.c2b),
    // tfjs flattens NHWC feature maps in HWC order; tapenet flattens CHW, so permute fc1's rows.
    tf.tensor2d(chwRowsToHwc(p0.f1w, 16, 5, 5, 120), [400, 120]),
    tf.tensor1d(p0.f1b),
    tf.tensor2d(p0.f2w, [120, 84]),
    tf.tensor1d(p0.f2b),
    tf.tensor2d(p0.f3w, [84, 10]),
    tf.tensor1d(p0.f3b),
  ];
  if (params.length !== LENET_KEYS.length) throw new Error('tfjsLenet: parameter list out of sync');
  const loss =
    (x: TF.Tensor4D, onehot: TF.Tensor) =>
    (...p: TF.Tensor[]): TF.Scalar => {
      const [c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b, f3w, f3b] = p as [
        TF.Tensor4D,
        TF.Tensor1D,
        TF.Tensor4D,
        TF.Tensor1D,
        TF.Tensor2D,
        TF.Tensor1D,
        TF.Tensor2D,
        TF.Tensor1D,
        TF.Tensor2D,
        TF.Tensor1D,
      ];
      type T4 = TF.Tensor4D;
      type T2 = TF.Tensor2D;
      let h = tf.maxPool(tf.relu(tf.add<T4>(tf.conv2d(x, c1w, 1, 2), c1b)), 2, 2, 'valid');
      h = tf.maxPool(tf.relu(tf.add<T4>(tf.conv2d(h, c2w, 1, 'valid'), c2b)), 2, 2, 'valid');
      let z: T2 = tf.reshape(h, [x.shape[0], 400]);
      z = tf.relu(tf.add<T2>(tf.matMul(z, f1w), f1b));
      z = tf.relu(tf.add<T2>(tf.matMul(z, f2w), f2b));
      const logits = tf.add<T2>(tf.matMul(z, f3w), f3b);
      return tf.neg(tf.mean<TF.Scalar>(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1)));
    };
  return {
    step: (xs, ys) => {
      let value = Number.NaN;
      const next = tf.tidy(() => {
        const b = ys.length;
        // One channel: NCHW and NHWC hold the same bytes.
        const x = tf.tensor4d(xs, [b, 28, 28, 1]);
        const onehot = tf.oneHot(tf.tensor1d(ys, 'int32'), 10);
        const { value: l, grads } = tf.valueAndGrads(loss(x, onehot))(params);
        value = l.dataSync()[0]!;
        return params.map((p, i) => tf.sub(p, tf.mul(grads[i]!, LENET_LR)));
      });
      tf.dispose(params);
      params = next;
      return value;
    },
    params: () => params.map((p) => p.dataSync()),
    dispose: () => tf.dispose(params),
  };
}
