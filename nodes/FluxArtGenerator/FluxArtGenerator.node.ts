import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { description as generateDescription } from './actions/generate.operation';
import { router } from './actions/router';
import { CREDENTIAL_TYPE } from './constants';

export class FluxArtGenerator implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Flux Art Generator',
		name: 'fluxArtGenerator',
		icon: { light: 'file:segmind.svg', dark: 'file:segmind.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"Generate: " + ($parameter["textPrompt"] || "").slice(0, 40)}}',
		description: 'Turn a short prompt into art with Segmind (Llama 3.1 enriches it, Flux.1 Schnell paints it)',
		defaults: { name: 'Flux Art Generator' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [...generateDescription],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
