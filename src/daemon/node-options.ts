/**
 * A daemon mostly waits: memory matters more than the speed of its JavaScript (measured, issue 17: with 20
 * instances, 66 MB without these, 52 MB with them). A small young generation (no 16 MB semi-spaces), one V8
 * helper thread, and V8's lite mode (no optimizing compiler, bytecode flushed when unused). The build makes
 * the daemon's code cache under the same flags (scripts/bundle.ts): V8 refuses one made under others.
 */
export const daemonNodeOptions = [
  '--max-semi-space-size=1',
  '--v8-pool-size=1',
  '--lite-mode',
  // Lite mode runs without WebAssembly (which the daemon does not use); said up front, V8 warns of nothing.
  '--no-expose-wasm',
  // Once the start-up's garbage is idle (~8 s), V8's memory reducer runs up to three full GCs in a row. The
  // first gives back what there is to give (10.4 -> 7.4 MB of heap); the next two freed nothing and cost
  // 10-30 ms of CPU just after the fleet was up (--trace-gc, 20 instances): the daemon's idle CPU, issue 17.
  '--memory-reducer-single-gc',
];
