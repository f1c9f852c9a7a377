// ESLint 9 flat config. The shipped code (nodes/, credentials/, package.json) gets exactly what
// `n8n-node lint` runs: the config exported by @n8n/node-cli (dist/configs/eslint.js, 0.48.x),
// composed here from the same packages because @n8n/node-cli itself cannot be installed on
// Node 20 (it pulls isolated-vm 7, which needs Node 24). Keep this in step with that file.
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import { globalIgnores } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// With n8n Cloud support: includes no-restricted-globals and no-restricted-imports.
const communityRecommended = n8nCommunityNodesPlugin.configs.recommended;

// The code that is published and runs inside n8n.
const shippedTs = ['nodes/**/*.ts', 'credentials/**/*.ts'];

// Development-only code: tests (fake Segmind server, engine harness, e2e), bench and scripts. It
// never ships and never runs inside n8n, so it gets a lighter set: the same JS/TS/import rules, but
// not the community-node rules. Those are written for node and credential classes, and the ones
// that would fire here make no sense for dev code: no-restricted-globals (tests and bench need
// setTimeout, process, ...), no-restricted-imports (they need node:http, node:child_process,
// node:fs, n8n-core, jest), and no-console in scripts that print their results.
const devTs = ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'e2e/**/*.ts'];

export default tseslint.config(
	globalIgnores(['dist', '.build', 'out', 'coverage', 'bench-results', '.n8n', '.cache']),

	// Shipped code: node-cli's config, scoped to nodes/ and credentials/.
	{
		files: shippedTs,
		extends: [
			js.configs.recommended,
			tseslint.configs.recommended,
			communityRecommended,
			importX.configs['flat/recommended'],
		],
		rules: {
			'prefer-spread': 'off',
			'no-console': 'error',
		},
		// n8n's scanner lints with inline config disabled, so an eslint-disable comment could only
		// hide a finding here that the scan reports anyway: fix the code instead.
		linterOptions: { noInlineConfig: true },
	},
	{
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		settings: {
			'import-x/resolver-next': [createTypeScriptImportResolver()],
		},
	},
	{
		files: ['package.json'],
		extends: [communityRecommended],
		rules: {
			...n8nNodesBase.configs.community.rules,
		},
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: {
				extraFileExtensions: ['.json'],
			},
		},
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Off in node-cli too: not valid for community nodes.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			// Off in node-cli too: @n8n/community-nodes/credential-password-field replaces it.
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// Off in node-cli too: inputs/outputs are NodeConnectionTypes enum values, not "main".
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			// Off in node-cli too: a third-party API may have a real maximum.
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},

	// Development-only TypeScript: the lighter set (see devTs above).
	{
		files: devTs,
		extends: [
			js.configs.recommended,
			tseslint.configs.recommended,
			importX.configs['flat/recommended'],
		],
		languageOptions: {
			globals: { ...globals.node, ...globals.jest },
		},
		rules: {
			'prefer-spread': 'off',
		},
	},

	// index.js does not ship, but it requires the shipped classes the way any consumer would: hold
	// it to the community rules all the same, so it can never need what n8n forbids.
	{
		files: ['index.js'],
		extends: [js.configs.recommended, communityRecommended],
		languageOptions: { sourceType: 'commonjs', globals: globals.node },
		linterOptions: { noInlineConfig: true },
		rules: {
			'no-console': 'error',
		},
	},

	// Plain JavaScript in the repository that does not ship: build/test config and the e2e suite
	// (CommonJS), Node scripts (ESM), with the lighter set.
	{
		files: ['*.js', 'scripts/**/*.js', 'e2e/**/*.js'],
		ignores: ['index.js'],
		extends: [js.configs.recommended],
		languageOptions: { sourceType: 'commonjs', globals: globals.node },
	},
	// The e2e suite reads as lists of named steps: a part, a report or a helper longer than this
	// is split into functions of its own.
	{
		files: ['e2e/**/*.js'],
		rules: {
			'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
		},
	},
	{
		files: ['*.mjs', 'scripts/**/*.mjs'],
		extends: [js.configs.recommended],
		languageOptions: { sourceType: 'module', globals: globals.node },
	},
);
