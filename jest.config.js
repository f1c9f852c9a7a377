/** Tests are TypeScript, transpiled by ts-jest; `npm run typecheck` does the type checking. */
module.exports = {
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	testTimeout: 30_000,
	setupFilesAfterEnv: ['<rootDir>/test/harness/jest-teardown.ts'],
};
