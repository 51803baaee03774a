/** Points the AWS SDK at LocalStack, and DynamoDB alone at moto; quiets Powertools output. */
import { inject } from 'vitest';
import { useEmulatorEnvironment } from '../../dev/moto-server.ts';

useEmulatorEnvironment(inject('localstackEndpoint'));
process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamodbEndpoint');
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
