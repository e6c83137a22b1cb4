import { Ajv2020 } from 'ajv/dist/2020.js';
import { buildOpenApiDocument } from '../../lib/http/openapi';

/** ajv validators for the response schemas of the OpenAPI document, its components resolvable. */
export function openApiChecker() {
  const doc = buildOpenApiDocument();
  const ajv = new Ajv2020({ allErrors: true });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  ajv.addSchema({ $id: 'components', $defs: doc.components.schemas });
  const compile = (schema: Record<string, unknown>) => ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', 'components#/$defs/')));
  return { doc, ajv, compile };
}
