import {
  any,
  bool,
  dict,
  float,
  int,
  iterable,
  list,
  literal,
  model,
  opt,
  str,
  typedDict,
  union,
  type Field,
  type Schema,
} from './pydantic.js';

/**
 * vLLM's ChatCompletionRequest as the model server validates it (vLLM 0.6.3: `extra="forbid"`,
 * `model` required — the version whose answers seed 002 Table 4-19 prints), field for field and
 * in declaration order, because pydantic reports errors in that order. Message and content-part
 * shapes are the openai package's TypedDicts (1.51) plus vLLM's custom-role message and custom
 * part. Table 4-8/4-13 parameters are all here (`use_beam_search`, `top_k`, `length_penalty`, …).
 *
 * One addition: `max_completion_tokens` (vLLM >= 0.6.4 and the current OpenAI API; newer openai
 * SDKs send it when asked), accepted so that those clients are not refused.
 */

const f = (name: string, schema: Schema, required = false): Field => ({ name, schema, required });
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

const textPart = typedDict([f('text', str, true), f('type', literal('text'), true)]);
const imagePart = typedDict([
  f(
    'image_url',
    typedDict([f('url', str, true), f('detail', literal('auto', 'low', 'high'))]),
    true,
  ),
  f('type', literal('image_url'), true),
]);
const refusalPart = typedDict([f('refusal', str, true), f('type', literal('refusal'), true)]);
const audioPart = typedDict([
  f('audio_url', typedDict([f('url', str, true)]), true),
  f('type', literal('audio_url'), true),
]);
/** vLLM's CustomChatCompletionContentPartParam: any `type`, extra keys allowed. */
const customPart = typedDict([f('type', str, true)], 'allow');
const functionCall = typedDict([f('arguments', str, true), f('name', str, true)]);

const TD = 'typed-dict';
const messageSchema = union(
  [
    TD,
    typedDict([
      // ChatCompletionSystemMessageParam
      f('content', union(['str', str], ['generator[typed-dict]', iterable]), true),
      f('role', literal('system'), true),
      f('name', str),
    ]),
  ],
  [
    TD,
    typedDict([
      // ChatCompletionUserMessageParam
      f(
        'content',
        union(['str', str], ['generator[union[typed-dict,typed-dict]]', iterable]),
        true,
      ),
      f('role', literal('user'), true),
      f('name', str),
    ]),
  ],
  [
    TD,
    typedDict([
      // ChatCompletionAssistantMessageParam
      f('role', literal('assistant'), true),
      f('content', opt(union(['str', str], ['generator[union[typed-dict,typed-dict]]', iterable]))),
      f('function_call', opt(functionCall)),
      f('name', str),
      f('refusal', opt(str)),
      f('tool_calls', iterable),
    ]),
  ],
  [
    TD,
    typedDict([
      // ChatCompletionToolMessageParam
      f('content', union(['str', str], ['generator[typed-dict]', iterable]), true),
      f('role', literal('tool'), true),
      f('tool_call_id', str, true),
    ]),
  ],
  [
    TD,
    typedDict([
      // ChatCompletionFunctionMessageParam
      f('content', opt(str), true),
      f('name', str, true),
      f('role', literal('function'), true),
    ]),
  ],
  [
    TD,
    typedDict([
      // vLLM CustomChatCompletionMessageParam (any role)
      f('role', str, true),
      f(
        'content',
        union(
          ['str', str],
          [
            'list[union[typed-dict,typed-dict,typed-dict,typed-dict,typed-dict]]',
            list(
              union(
                [TD, textPart],
                [TD, imagePart],
                [TD, audioPart],
                [TD, refusalPart],
                [TD, customPart],
              ),
            ),
          ],
        ),
      ),
      f('name', str),
      f('tool_call_id', opt(str)),
      f('tool_calls', opt(list(dict(any)))),
    ]),
  ],
);

const streamOptions = model([
  f('include_usage', opt(bool)),
  f('continuous_usage_stats', opt(bool)),
]);
const responseFormat = model([
  f('type', literal('text', 'json_object', 'json_schema'), true),
  f(
    'json_schema',
    opt(
      model([
        f('name', str, true),
        f('description', opt(str)),
        f('schema', opt(dict(any))),
        f('strict', opt(bool)),
      ]),
    ),
  ),
]);
const toolParam = model([
  f('type', literal('function')),
  f(
    'function',
    model([f('name', str, true), f('description', opt(str)), f('parameters', opt(dict(any)))]),
    true,
  ),
]);
const namedToolChoice = model([
  f('function', model([f('name', str, true)]), true),
  f('type', literal('function')),
]);

export const chatCompletionRequest = model([
  f('messages', list(messageSchema), true),
  f('model', str, true),
  f('frequency_penalty', opt(float)),
  f('logit_bias', opt(dict(float))),
  f('logprobs', opt(bool)),
  f('top_logprobs', opt(int)),
  f('max_tokens', opt(int)),
  f('max_completion_tokens', opt(int)),
  f('n', opt(int)),
  f('presence_penalty', opt(float)),
  f('response_format', opt(responseFormat)),
  f('seed', opt({ k: 'int', ge: INT64_MIN, le: INT64_MAX })),
  f('stop', opt(union(['str', str], ['list[str]', list(str)]))),
  f('stream', opt(bool)),
  f('stream_options', opt(streamOptions)),
  f('temperature', opt(float)),
  f('top_p', opt(float)),
  f('tools', opt(list(toolParam))),
  f(
    'tool_choice',
    opt(
      union(
        ["literal['none']", literal('none')],
        ["literal['auto']", literal('auto')],
        ['ChatCompletionNamedToolChoiceParam', namedToolChoice],
      ),
    ),
  ),
  f('parallel_tool_calls', opt(bool)),
  f('user', opt(str)),
  f('best_of', opt(int)),
  f('use_beam_search', bool),
  f('top_k', int),
  f('min_p', float),
  f('repetition_penalty', float),
  f('length_penalty', float),
  f('stop_token_ids', opt(list(int))),
  f('include_stop_str_in_output', bool),
  f('ignore_eos', bool),
  f('min_tokens', int),
  f('skip_special_tokens', bool),
  f('spaces_between_special_tokens', bool),
  f('truncate_prompt_tokens', opt({ k: 'int', ge: 1n })),
  f('prompt_logprobs', opt(int)),
  f('echo', bool),
  f('add_generation_prompt', bool),
  f('continue_final_message', bool),
  f('add_special_tokens', bool),
  f('documents', opt(list(dict(str)))),
  f('chat_template', opt(str)),
  f('chat_template_kwargs', opt(dict(any))),
  f(
    'guided_json',
    opt(union(['str', str], ['dict[any,any]', dict(any)], ['BaseModel', model([], 'ignore')])),
  ),
  f('guided_regex', opt(str)),
  f('guided_choice', opt(list(str))),
  f('guided_grammar', opt(str)),
  f('guided_decoding_backend', opt(str)),
  f('guided_whitespace_pattern', opt(str)),
  f('priority', int),
]);
