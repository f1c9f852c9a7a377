/// <reference types="jest" />
// The reference: tsconfig.dev.json compiles this folder into .build/ without jest's types.
/** The set-up the fake server's own tests share (not part of its public API). */
import { FakeSegmind } from './server';
import type { FakeSegmindOptions } from './types';

/**
 * One fake for the enclosing describe block: started before its tests, stopped after them, and
 * reset before each test (its log, jobs, credits and scenario back to the options').
 */
export function useFake(
	options: FakeSegmindOptions = { scenario: { durationMs: 0 } },
): FakeSegmind {
	const fake = new FakeSegmind(options);
	beforeAll(() => fake.start());
	afterAll(() => fake.stop());
	beforeEach(() => fake.reset());
	return fake;
}
