import { respondWith } from '@/lib/api-response';
import { readDockerHealth } from '@/lib/reads';

/** GET /api/docker/health — whether Docker is enabled and its Engine answers (`DockerHealth`). */
export function GET(): Promise<Response> {
  return respondWith(readDockerHealth);
}
