import type { CommitRequest, HeartbeatRequest, JoinGroupRequest } from '@switchyard/protocol';
import type { FastifyInstance } from 'fastify';
import type { GroupCoordinator } from '../../streams/groups/group-coordinator.ts';
import type { Streams } from '../../streams/streams.ts';
import { jsonBody } from '../http-errors.ts';

type GroupParams = { Params: { group: string } };
type MemberParams = { Params: { group: string; member: string } };

/** Consumer groups: join, heartbeat, leave, commit, offsets, list, describe (with lag), delete. */
export function groupRoutes(app: FastifyInstance, groups: GroupCoordinator, streams: Streams): void {
  app.post<GroupParams>('/v1/groups/:group/members', async (req) =>
    groups.join(req.params.group, jsonBody<JoinGroupRequest>(req)),
  );
  app.post<MemberParams>('/v1/groups/:group/members/:member/heartbeat', async (req) => {
    const body = jsonBody<HeartbeatRequest>(req);
    return groups.heartbeat(req.params.group, req.params.member, body.generation, body.owned);
  });
  app.delete<MemberParams>('/v1/groups/:group/members/:member', async (req, reply) => {
    await groups.leave(req.params.group, req.params.member);
    return reply.code(204).send();
  });
  app.post<GroupParams>('/v1/groups/:group/offsets', async (req, reply) => {
    await groups.commit(req.params.group, jsonBody<CommitRequest>(req));
    return reply.code(204).send();
  });
  app.get<GroupParams>('/v1/groups/:group/offsets', async (req) => ({
    offsets: await groups.committed(req.params.group),
  }));
  const logOffsets = (stream: string, partition: number) => {
    const end = streams.endOffsets(stream)?.[partition];
    const start = streams.startOffsets(stream)?.[partition];
    return end === undefined || start === undefined ? undefined : { start, end };
  };
  app.get('/v1/groups', async () => ({ groups: await groups.list(logOffsets) }));
  app.get<GroupParams>('/v1/groups/:group', async (req) => groups.describe(req.params.group, logOffsets));
  app.delete<GroupParams>('/v1/groups/:group', async (req, reply) => {
    await groups.delete(req.params.group);
    return reply.code(204).send();
  });
}
