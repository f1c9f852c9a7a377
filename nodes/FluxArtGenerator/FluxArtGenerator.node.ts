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
		// n8n's lint wants the subtitle and the Operation options literal;
		// test/unit/package.test.ts holds both to the router's OPERATIONS.
		subtitle:
			'={{ {"generate": "Generate", "submit": "Submit", "getResult": "Get Result", "getCredits": "Get Credits"}[$parameter["operation"]] || "Generate" }}',
		// Also what n8n gives a model as the tool's description (Tool Description: Set Automatically).
		description:
			"Paint a picture from a text prompt with Segmind's Flux.1 (Llama 3.1 enriches the prompt first). Each call spends Segmind credits and takes about ten seconds. Returns JSON with the image URL (image_output), the request ID and the credits left.",
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
				options: [
					{
						name: 'Generate',
						value: 'generate',
						action: 'Generate an image from a prompt',
						description: 'Submit a prompt, wait for the image and output it',
					},
					{
						name: 'Get Credits',
						value: 'getCredits',
						action: 'Get the account credits',
						description: "Read the account's remaining credits (free of charge)",
					},
					{
						name: 'Get Result',
						value: 'getResult',
						action: 'Get the result of a request',
						description: 'Check on or wait for a job submitted earlier, by its request ID',
					},
					{
						name: 'Submit',
						value: 'submit',
						action: 'Submit a prompt without waiting',
						description:
							'Submit a prompt and output its request ID at once; collect it with Get Result',
					},
				],
			},
			...Object.values(OPERATIONS).flatMap((module) => module.description),
		],
	};

	execute = router;
}
