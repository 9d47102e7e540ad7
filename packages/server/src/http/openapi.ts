/** The OpenAPI 3.1 description served at `/openapi.json`. Shapes mirror `@switchyard/protocol` http.ts. */

const error = { $ref: '#/components/responses/Error' };
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const streamParam = {
  name: 'stream',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,256}$' },
};
const groupParam = { name: 'group', in: 'path', required: true, schema: { type: 'string' } };
const memberParam = { name: 'member', in: 'path', required: true, schema: { type: 'string' } };
const query = (name: string, type: string, description: string) => ({
  name,
  in: 'query',
  schema: { type },
  description,
});

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Switchyard native HTTP API',
    version: '0.1.0',
    description:
      'Durable partitioned streams with consumer groups. Errors are `{ "error": { code, message, details } }` with codes from docs/errors.md. Durations are milliseconds.',
  },
  paths: {
    '/healthz': { get: { summary: 'Liveness', responses: { 200: { description: 'alive' } } } },
    '/readyz': {
      get: {
        summary: 'Readiness',
        responses: { 200: { description: 'ready' }, 503: { description: 'not ready' } },
      },
    },
    '/metrics': {
      get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text exposition format' } } },
    },
    '/v1/streams': {
      get: {
        summary: 'List streams',
        responses: {
          200: json({ type: 'object', properties: { streams: { type: 'array', items: ref('Stream') } } }),
        },
      },
      post: {
        summary: 'Create a stream',
        requestBody: json(ref('CreateStream')),
        responses: { 201: json(ref('Stream')), 400: error, 409: error },
      },
    },
    '/v1/streams/{stream}': {
      parameters: [streamParam],
      get: {
        summary: 'Describe a stream with partition offsets and sizes',
        responses: { 200: json(ref('Stream')), 404: error },
      },
      patch: {
        summary: 'Update settings (partitions only grow)',
        requestBody: json(ref('StreamSettings')),
        responses: { 200: json(ref('Stream')), 400: error, 404: error },
      },
      delete: {
        summary: 'Delete a stream and its data',
        responses: { 204: { description: 'deleted' }, 404: error },
      },
    },
    '/v1/streams/{stream}/records': {
      parameters: [streamParam, { name: 'Idempotency-Key', in: 'header', schema: { type: 'string' } }],
      post: {
        summary: 'Produce records (all-or-nothing per request body validation)',
        description:
          'application/json `{records:[{key,value,headers,partition,timestamp}]}`; application/cloudevents+json; application/cloudevents-batch+json; CloudEvents binary mode (ce-* headers); application/vnd.switchyard.batches (frames of partition u32, length u32, Kafka RecordBatch v2 bytes).',
        requestBody: {
          content: {
            'application/json': { schema: ref('ProduceRequest') },
            'application/cloudevents+json': { schema: { type: 'object' } },
            'application/cloudevents-batch+json': { schema: { type: 'array', items: { type: 'object' } } },
            'application/vnd.switchyard.batches': { schema: { type: 'string', format: 'binary' } },
          },
        },
        responses: {
          200: json(ref('ProduceResponse')),
          400: error,
          404: error,
          409: error,
          413: error,
          415: error,
          503: error,
        },
      },
    },
    '/v1/streams/{stream}/partitions/{partition}/records': {
      parameters: [
        streamParam,
        { name: 'partition', in: 'path', required: true, schema: { type: 'integer', minimum: 0 } },
        query('offset', 'integer', 'First offset to read; default: the earliest'),
        query('maxRecords', 'integer', 'At most this many records (JSON answers)'),
        query('maxBytes', 'integer', 'Soft byte budget'),
        query('maxWaitMs', 'integer', 'Long poll: wait up to this long for data'),
      ],
      get: {
        summary:
          'Fetch records of one partition (JSON, or binary with Accept: application/vnd.switchyard.batches)',
        responses: { 200: json(ref('FetchResponse')), 400: error, 404: error, 416: error },
      },
    },
    '/v1/streams/{stream}/offsets': {
      parameters: [streamParam, query('at', 'string', 'earliest | latest | milliseconds | ISO-8601 time')],
      get: {
        summary: 'Offsets per partition at a point',
        responses: { 200: { description: '{offsets:[{partition, offset}]}' }, 404: error },
      },
    },
    '/v1/fetch': {
      post: {
        summary:
          'Long-poll fetch of several partitions (JSON, or binary frames with Accept: application/vnd.switchyard.batches)',
        requestBody: json({
          type: 'object',
          required: ['positions'],
          properties: {
            positions: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  stream: { type: 'string' },
                  partition: { type: 'integer' },
                  offset: { type: 'integer' },
                },
              },
            },
            maxWaitMs: { type: 'integer' },
            maxBytes: { type: 'integer' },
          },
        }),
        responses: {
          200: { description: '{partitions:[FetchResponse & {stream, partition}]}' },
          400: error,
          404: error,
          416: error,
        },
      },
    },
    '/v1/producers': {
      post: {
        summary: 'Allocate an idempotent producer id',
        responses: { 201: { description: '{producerId, epoch}' } },
      },
    },
    '/v1/groups': {
      get: { summary: 'List consumer groups', responses: { 200: { description: '{groups:[...]}' } } },
    },
    '/v1/groups/{group}': {
      parameters: [groupParam],
      get: {
        summary: 'Describe a group: members, assignment, committed offsets and lag',
        responses: { 200: { description: 'group' }, 404: error },
      },
      delete: {
        summary: 'Delete an empty group',
        responses: { 204: { description: 'deleted' }, 404: error, 409: error },
      },
    },
    '/v1/groups/{group}/members': {
      parameters: [groupParam],
      post: {
        summary: 'Join (or rejoin) a group; answers the assignment',
        responses: { 200: { description: 'GroupAssignmentResponse' }, 400: error },
      },
    },
    '/v1/groups/{group}/members/{member}/heartbeat': {
      parameters: [groupParam, memberParam],
      post: {
        summary: 'Heartbeat; answers the current assignment',
        responses: { 200: { description: 'GroupAssignmentResponse' }, 409: error },
      },
    },
    '/v1/groups/{group}/members/{member}': {
      parameters: [groupParam, memberParam],
      delete: { summary: 'Leave the group', responses: { 204: { description: 'left' } } },
    },
    '/v1/groups/{group}/offsets': {
      parameters: [groupParam],
      get: { summary: 'Committed offsets', responses: { 200: { description: '{offsets:[...]}' } } },
      post: {
        summary: 'Commit offsets (fenced by member and generation)',
        responses: { 204: { description: 'committed' }, 409: error },
      },
    },
  },
  components: {
    responses: {
      Error: json({
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: {
              code: { type: 'string' },
              message: { type: 'string' },
              details: { type: 'object' },
            },
          },
        },
      }),
    },
    schemas: {
      StreamSettings: {
        type: 'object',
        additionalProperties: false,
        properties: {
          partitions: { type: 'integer', minimum: 1 },
          retentionMs: { type: ['integer', 'null'] },
          retentionBytes: { type: ['integer', 'null'] },
          cleanupPolicy: { enum: ['delete', 'compact', 'compact,delete'] },
          deleteRetentionMs: { type: 'integer' },
          segmentBytes: { type: 'integer' },
          segmentMs: { type: ['integer', 'null'] },
        },
      },
      CreateStream: {
        allOf: [
          { $ref: '#/components/schemas/StreamSettings' },
          { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
        ],
      },
      Stream: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          partitions: { type: 'integer' },
          createdAt: { type: 'string' },
          partitionInfo: { type: 'array' },
        },
      },
      ProduceRequest: {
        type: 'object',
        required: ['records'],
        properties: {
          records: {
            type: 'array',
            items: {
              type: 'object',
              required: ['value'],
              properties: {
                key: { type: ['string', 'null'] },
                value: {},
                headers: { type: 'object' },
                partition: { type: 'integer' },
                timestamp: { type: 'integer' },
              },
            },
          },
        },
      },
      ProduceResponse: {
        type: 'object',
        properties: {
          ranges: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                partition: { type: 'integer' },
                baseOffset: { type: 'integer' },
                lastOffset: { type: 'integer' },
                duplicate: { type: 'boolean' },
              },
            },
          },
          offsets: {
            type: 'array',
            items: {
              type: 'object',
              properties: { partition: { type: 'integer' }, offset: { type: 'integer' } },
            },
          },
        },
      },
      FetchResponse: {
        type: 'object',
        properties: {
          records: { type: 'array', items: { type: 'object' } },
          nextOffset: { type: 'integer' },
          highWatermark: { type: 'integer' },
          logStartOffset: { type: 'integer' },
        },
      },
    },
  },
} as const;
