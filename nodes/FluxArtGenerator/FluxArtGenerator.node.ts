import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import { OPERATIONS, router } from './actions/router';
import { CREDENTIAL_TYPE } from './constants';

export class FluxArtGenerator implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Flux Art Generator',
		name: 'fluxArtGenerator',
		icon: { light: 'file:segmind.svg', dark: 'file:segmind.dark.svg' },
		group: ['transform'],
		version: 1,
		// n8n's lint wants the subtitle as a literal; test/unit/package.test.ts holds it to OPERATIONS.
		subtitle:
			'={{ {"generate": "Generate", "submit": "Submit", "getResult": "Get Result", "getCredits": "Get Credits"}[$parameter["operation"]] || "Generate" }}',
		description:
			'Turn a short prompt into art with Segmind (Llama 3.1 enriches it, Flux.1 Schnell paints it)',
		defaults: { name: 'Flux Art Generator' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'generate',
				options: Object.entries(OPERATIONS)
					.map(([value, { operation }]) => ({ ...operation, value }))
					.sort((a, b) => a.name.localeCompare(b.name)),
			},
			...Object.values(OPERATIONS).flatMap((module) => module.description),
		],
	};

	execute = router;
}
