import { READ_ENDPOINTS } from '../../../../lib/read-api/endpoints';
import { answerRead } from '../../../../lib/read-api/handler';

export const dynamic = 'force-dynamic';

// GET /api/v1/violations?status=&rule=&page=&pageSize= — admission violations (read token).
export const GET = (request: Request) => answerRead(request, READ_ENDPOINTS['/api/v1/violations']);
