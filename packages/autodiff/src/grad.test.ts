import { describe, expect, it } from 'vitest';
import {
  add,
  customVjp,
  exp,
  grad,
  hessianVectorProduct,
  jvp,
  log,
  matmul,
  mean,
  mul,
  relu,
  scalar,
  ShapeError,
  sigmoid,
  sin,
  square,
  sub,
  sum,
  type Tensor,
  tanh,
  tensor,
  valueAndGrad,
  vjp,
} from './index.js';

const f64 = (v: number): Tensor => scalar(v, 'float64');

describe('worked examples', () => {
  it('d/dx sin x at 3 is cos 3, and the second derivative is -sin 3', () => {
    expect(grad(sin)(f64(3)).item()).toBeCloseTo(Math.cos(3), 12);
    expect(grad(grad(sin))(f64(3)).item()).toBeCloseTo(-Math.sin(3), 12);
    expect(grad(grad(grad(sin)))(f64(3)).item()).toBeCloseTo(-Math.cos(3), 12);
  });

  it('second derivatives of tanh, sigmoid, exp and log match their formulas', () => {
    const x = 0.7;
    const t = Math.tanh(x);
    const s = 1 / (1 + Math.exp(-x));
    expect(grad(grad(tanh))(f64(x)).item()).toBeCloseTo(-2 * t * (1 - t * t), 12);
    expect(grad(grad(sigmoid))(f64(x)).item()).toBeCloseTo(s * (1 - s) * (1 - 2 * s), 12);
    expect(grad(grad(exp))(f64(x)).item()).toBeCloseTo(Math.exp(x), 12);
    expect(grad(grad(log))(f64(x)).item()).toBeCloseTo(-1 / (x * x), 12);
  });

  it('avoids perturbation confusion: d/dx [x · d/dy (x + y)] = 1', () => {
    // Siskind & Pearlmutter's example: a tape that confused x with y would give 2.
    const inner = (x: Tensor) => (y: Tensor) => add(x, y);
    const outer = (x: Tensor) => mul(x, grad(inner(x))(f64(1)));
    expect(grad(outer)(f64(5)).item()).toBe(1);
  });

  it('keeps levels apart when the inner argument is the outer variable itself', () => {
    // d/dx [x · (d/dy x·y)|_{y=x}] = d/dx x² = 2x, not d/dx x·2x = 4x
    const f = (x: Tensor) => mul(x, grad((y: Tensor) => mul(x, y))(x));
    expect(grad(f)(f64(3)).item()).toBe(6);
  });

  it('relu has derivative 0 at 0 (the documented kink convention)', () => {
    expect(grad(relu)(f64(0)).item()).toBe(0);
    expect(grad(relu)(f64(1e-9)).item()).toBe(1);
  });
});

describe('transformations over pytrees', () => {
  it('gradients mirror the params tree, with null for non-tensor leaves', () => {
    const params = { w: tensor([1, 2], { dtype: 'float64' }), b: f64(0.5), name: 'lin' as const };
    const loss = (p: typeof params, x: Tensor) => sum(square(add(mul(p.w, x), p.b)));
    const g = grad(loss)(params, tensor([3, -1], { dtype: 'float64' }));
    // y = [3.5, -1.5]; dL/dw = 2y·x = [21, 3]; dL/db = 2Σy = 4
    expect(g.w.toArray()).toEqual([21, 3]);
    expect(g.b.item()).toBe(4);
    expect(g.name).toBeNull();
  });

  it('argnums selects arguments and hasAux passes auxiliary data through', () => {
    const f = (a: Tensor, b: Tensor) => [sum(mul(a, b)), { note: 'aux' }] as const;
    const [[value, aux], gb] = valueAndGrad(f, { hasAux: true, argnums: 1 })(f64(2), f64(3));
    expect(value.item()).toBe(6);
    expect(aux.note).toBe('aux');
    expect(gb.item()).toBe(2);
    const [ga2, gb2] = grad((a: Tensor, b: Tensor) => mul(a, b), { argnums: [0, 1] })(f64(2), f64(3));
    expect([ga2.item(), gb2.item()]).toEqual([3, 2]);
  });

  it('vjp and jvp agree with the Jacobian of a matrix product', () => {
    const a = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float64' },
    );
    const x = tensor([1, -1], { dtype: 'float64' });
    const [y, pullback] = vjp((v: Tensor) => matmul(a, v), x);
    expect(y.toArray()).toEqual([-1, -1]);
    expect(pullback(tensor([1, 0], { dtype: 'float64' }))[0].toArray()).toEqual([1, 2]);
    const [, t] = jvp((v: Tensor) => matmul(a, v), [x], [tensor([0, 1], { dtype: 'float64' })]);
    expect((t as Tensor).toArray()).toEqual([2, 4]);
  });

  it('hessianVectorProduct of a quadratic form is A·v', () => {
    const a = tensor(
      [
        [2, 1],
        [1, 3],
      ],
      { dtype: 'float64' },
    );
    const q = (x: Tensor) => mul(0.5, sum(mul(x, matmul(a, x))));
    const hv = hessianVectorProduct(q, tensor([0.3, -0.2], { dtype: 'float64' }), tensor([1, 2], { dtype: 'float64' }));
    expect(hv.toArray()).toEqual([4, 7]);
  });

  it('customVjp replaces the gradient and is differentiable to second order', () => {
    // f(x) = x³ with a hand-written VJP 3x²·ḡ: second derivative 6x
    const cube = customVjp(
      (x: Tensor) => mul(x, square(x)),
      (x: Tensor) => [mul(x, square(x)), x] as const,
      (x, g) => [mul(g, mul(3, square(x)))],
    );
    expect(grad(cube)(f64(2)).item()).toBe(12);
    expect(grad(grad(cube))(f64(2)).item()).toBe(12);
    // a clipping VJP really is used instead of the true derivative
    const clipped = customVjp(
      (x: Tensor) => mul(x, 10),
      (x: Tensor) => [mul(x, 10), null] as const,
      (_r, g) => [g],
    );
    expect(grad(clipped)(f64(1)).item()).toBe(1);
  });

  it('refuses a non-scalar output with a ShapeError naming grad', () => {
    expect(() => grad((x: Tensor) => mul(x, 2))(tensor([1, 2]))).toThrow(ShapeError);
    expect(() => grad((x: Tensor) => mul(x, 2))(tensor([1, 2]))).toThrow(
      /grad: f must return a float tensor with one element/,
    );
  });
});

describe('README example: linear regression with valueAndGrad', () => {
  it('fits y = 3x - 1', () => {
    const xs = tensor([[0], [1], [2], [3]]);
    const ys = tensor([[-1], [2], [5], [8]]);
    let params = { w: tensor([[0]]), b: tensor([0]) };
    const loss = (p: typeof params) => mean(square(sub(add(matmul(xs, p.w), p.b), ys)));
    for (let step = 0; step < 500; step++) {
      const [, g] = valueAndGrad(loss)(params);
      params = { w: sub(params.w, mul(g.w, 0.1)), b: sub(params.b, mul(g.b, 0.1)) };
    }
    expect(params.w.item()).toBeCloseTo(3, 3);
    expect(params.b.item()).toBeCloseTo(-1, 3);
  });
});
