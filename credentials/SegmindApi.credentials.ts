import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class SegmindApi implements ICredentialType {
	name = 'segmindApi';

	displayName = 'Segmind API';

	icon: Icon = { light: 'file:segmind.svg', dark: 'file:segmind.dark.svg' };

	documentationUrl = 'https://docs.segmind.com/';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your Segmind API key, from segmind.com → Console → API Keys',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.segmind.com',
			description:
				'Where the Segmind API lives. Change it only to go through a proxy or a test server. The API key is sent to this origin and no other.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'x-api-key': '={{$credentials.apiKey}}' } },
	};

	// Reading the balance spends no credits, so testing the credential is free. n8n fails the test
	// on any answer but 2xx; these rules say what the two likely ones mean.
	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/v1/get-user-credits', method: 'GET' },
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Segmind rejected the API key: copy it again from segmind.com → Console → API Keys',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						"Segmind answered 404. A new account that never bought credits gets this even with a good key: save the credential anyway (the node's Get Credits then reads 0). Otherwise check the Base URL.",
				},
			},
		],
	};
}
