/** The published package's shape: what n8n and its verification expect of a community node. */
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('package.json', () => {
	test('is an n8n community package with no runtime dependencies', () => {
		expect(manifest.name).toBe('n8n-nodes-segmind');
		expect(manifest.keywords).toContain('n8n-community-node-package');
		expect(manifest.license).toBe('MIT');
		expect(manifest.dependencies).toBeUndefined();
		expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(manifest.files).toEqual(['dist']);
		expect(manifest.n8n).toEqual({
			n8nNodesApiVersion: 1,
			credentials: ['dist/credentials/SegmindApi.credentials.js'],
			nodes: ['dist/nodes/FluxArtGenerator/FluxArtGenerator.node.js'],
		});
	});

	test('dev dependencies are pinned to exact versions', () => {
		for (const [name, version] of Object.entries<string>(manifest.devDependencies)) {
			expect([name, version]).toEqual([name, expect.stringMatching(/^\d+\.\d+\.\d+$/)]);
		}
	});
});

describe('npm pack', () => {
	test('ships only dist/, README, LICENSE and package.json; no tests, no fake server', () => {
		const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
			cwd: root,
			encoding: 'utf8',
		});
		const files: string[] = JSON.parse(output)[0].files.map((file: { path: string }) => file.path);
		for (const file of files) {
			expect([file, /^(dist\/.+|README\.md|LICENSE|package\.json)$/.test(file)]).toEqual([
				file,
				true,
			]);
		}
		expect(files).toEqual(
			expect.arrayContaining([
				'dist/nodes/FluxArtGenerator/FluxArtGenerator.node.js',
				'dist/nodes/FluxArtGenerator/FluxArtGenerator.node.json',
				'dist/nodes/FluxArtGenerator/segmind.svg',
				'dist/nodes/FluxArtGenerator/segmind.dark.svg',
				'dist/credentials/SegmindApi.credentials.js',
				'README.md',
				'LICENSE',
			]),
		);
		expect(files.some((file) => /test|fake|harness/.test(file))).toBe(false);
	});
});

describe('the built classes', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { nodes, credentials } = require(path.join(root, 'index.js'));

	test('node: the public contract of names', () => {
		const { description } = new nodes.FluxArtGenerator();
		expect(description).toMatchObject({
			name: 'fluxArtGenerator',
			displayName: 'Flux Art Generator',
			usableAsTool: true,
		});
		expect(description.icon).toEqual({ light: 'file:segmind.svg', dark: 'file:segmind.dark.svg' });
		const names = description.properties.map((property: { name: string }) => property.name);
		expect(names).toEqual(expect.arrayContaining(['textPrompt', 'workflowId', 'options']));
		const options = description.properties.find(
			(property: { name: string }) => property.name === 'options',
		);
		expect(
			options.options.map((option: { name: string; default: unknown }) => [
				option.name,
				option.default,
			]),
		).toEqual(
			expect.arrayContaining([
				['timeout', 300],
				['pollInterval', 5],
			]),
		);
		const workflowId = description.properties.find(
			(property: { name: string }) => property.name === 'workflowId',
		);
		expect(workflowId.default).toBe('66ba4126364d0f944f366a8f-v2');
	});

	test('credential: key as a password field, x-api-key header, a free test request', () => {
		const credential = new credentials.SegmindApi();
		expect(credential.name).toBe('segmindApi');
		expect(credential.displayName).toBe('Segmind API');
		const apiKey = credential.properties.find(
			(property: { name: string }) => property.name === 'apiKey',
		);
		expect(apiKey.typeOptions).toEqual({ password: true });
		const baseUrl = credential.properties.find(
			(property: { name: string }) => property.name === 'baseUrl',
		);
		expect(baseUrl.default).toBe('https://api.segmind.com');
		expect(credential.authenticate).toEqual({
			type: 'generic',
			properties: { headers: { 'x-api-key': '={{$credentials.apiKey}}' } },
		});
		expect(credential.test.request).toMatchObject({ url: '/v1/get-user-credits', method: 'GET' });
	});
});

describe('the node description', () => {
	test("the subtitle names every operation as its Operation option does (n8n's lint wants it literal)", async () => {
		const { FluxArtGenerator } = await import('../../nodes/FluxArtGenerator/FluxArtGenerator.node');
		const { description } = new FluxArtGenerator();
		const operation = description.properties.find((property) => property.name === 'operation')!;
		const names = Object.fromEntries(
			(operation.options as Array<{ name: string; value: string }>).map(({ name, value }) => [
				value,
				name,
			]),
		);
		const subtitle = /\{\{ (\{.*\})\[/.exec(description.subtitle as string)![1];
		expect(JSON.parse(subtitle)).toEqual(names);
	});

	test('the description, which n8n gives a model as the tool description, says what a model needs', async () => {
		const { FluxArtGenerator } = await import('../../nodes/FluxArtGenerator/FluxArtGenerator.node');
		const { description } = new FluxArtGenerator().description;
		expect(description).toMatch(/paint a picture from a text prompt/i); // what it does
		expect(description).toMatch(/spends Segmind credits/); // what it costs
		expect(description).toMatch(/about ten seconds/); // how long it takes
		expect(description).toMatch(/image URL.*request ID.*credits/); // what it returns
	});

	test('Download Image: on for the node, off for the tool n8n derives from it (`@tool`)', async () => {
		const { FluxArtGenerator } = await import('../../nodes/FluxArtGenerator/FluxArtGenerator.node');
		const { NodeHelpers } = await import('n8n-workflow');
		const { description } = new FluxArtGenerator();
		const resolve = (name: string, operation: string) =>
			NodeHelpers.getNodeParameters(description.properties, { operation }, true, false, null, {
				...description,
				name,
			})!.downloadImage;
		for (const operation of ['generate', 'getResult']) {
			expect(resolve('fluxArtGenerator', operation)).toBe(true);
			expect(resolve('fluxArtGeneratorTool', operation)).toBe(false);
		}
		expect(resolve('fluxArtGeneratorTool', 'submit')).toBeUndefined();
	});

	test('the Operation options are the operations the router runs, no more and no fewer', async () => {
		const { FluxArtGenerator } = await import('../../nodes/FluxArtGenerator/FluxArtGenerator.node');
		const { OPERATIONS } = await import('../../nodes/FluxArtGenerator/actions/router');
		const operation = new FluxArtGenerator().description.properties.find(
			(property) => property.name === 'operation',
		)!;
		const values = (operation.options as Array<{ value: string }>).map(({ value }) => value);
		expect(values.sort()).toEqual(Object.keys(OPERATIONS).sort());
	});
});
