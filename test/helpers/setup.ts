import { afterAll } from 'vitest';
import { releaseOffsets } from './free-offset.js';

// Each test file gives back the ports it reserved (free-offset.ts) once it is done.
afterAll(releaseOffsets);
