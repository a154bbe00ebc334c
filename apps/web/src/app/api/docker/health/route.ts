import { withRole } from '@/lib/auth/route-guard';
import { respondWith } from '@/lib/api-response';
import { readDockerHealth } from '@/lib/reads';

/** GET /api/docker/health — whether Docker is enabled and its Engine answers (`DockerHealth`). */
export const GET = withRole('viewer', () => respondWith(readDockerHealth));
