import { describe, expect, it } from 'vitest';

import {
  BACKEND_NAMES,
  backendFromEnvironment,
  loadRuntime,
} from '../src/backend/backend';

/** The name TensorFlow.js itself reports for each facelab backend. */
const TFJS_NAMES = {
  'tfjs-node-gpu': 'tensorflow',
  'tfjs-node': 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
} as const;

describe('backend choice', () => {
  it('reads FACELAB_BACKEND', () => {
    expect(backendFromEnvironment('wasm')).toBe('wasm');
    expect(backendFromEnvironment('auto')).toBeUndefined();
    expect(backendFromEnvironment('')).toBeUndefined();
    expect(backendFromEnvironment(undefined)).toBeUndefined();
  });

  it('rejects an unknown backend name', () => {
    expect(() => backendFromEnvironment('bogus')).toThrow(
      'FACELAB_BACKEND="bogus" is not a backend',
    );
  });

  it('reports the backend that runs', async () => {
    const runtime = await loadRuntime();
    expect(BACKEND_NAMES).toContain(runtime.backend);
    expect(runtime.tf.getBackend()).toBe(TFJS_NAMES[runtime.backend]);
    // Every backend faster than the one that runs was tried and skipped.
    const faster = BACKEND_NAMES.indexOf(runtime.backend);
    expect(runtime.skipped).toHaveLength(faster);
  });
});
