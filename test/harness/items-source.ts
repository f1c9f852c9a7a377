/**
 * A stand-in for a trigger plus a Set node: it emits the items named in its parameter, so the
 * harness can feed the node under test several items without n8n-nodes-base (~740 MB).
 */
import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

export class ItemsSource implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Items Source',
		name: 'itemsSource',
		group: ['input'],
		version: 1,
		description: 'Emits fixed items (test harness only)',
		defaults: { name: 'Items' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Items (JSON)', name: 'itemsJson', type: 'string', default: '[{}]' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = JSON.parse(this.getNodeParameter('itemsJson', 0) as string) as IDataObject[];
		return [items.map((json) => ({ json }))];
	}
}
