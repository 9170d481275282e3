#!/usr/bin/env python3
"""Generates chat_template_oracle.json: expected renderings of chat templates by the real Jinja2 (3.1.x), configured
as transformers' apply_chat_template configures it (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks,
loopcontrols, raise_exception, tojson = json.dumps(ensure_ascii=False)). The templates are our own, written in the
style of the common families (ChatML/Qwen2, Llama 2, Llama 3, Gemma, Mistral) plus one per language feature.

    python3 make_chat_template_oracle.py [path/to/shared]
"""
import json
import os
import sys

import jinja2
from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..', '..', '..', 'shared')


def raise_exception(message):
    raise TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=['jinja2.ext.loopcontrols'])
env.filters['tojson'] = tojson
env.globals['raise_exception'] = raise_exception

# ------------------------------------------------------------------ conversations
SYS = {'role': 'system', 'content': 'You are a helpful assistant.'}
U1 = {'role': 'user', 'content': 'Tell me a story.'}
A1 = {'role': 'assistant', 'content': '  Once upon a time, a fox.  '}
U2 = {'role': 'user', 'content': 'And then?\n'}
U_UNICODE = {'role': 'user', 'content': 'Héllo 👋 "quotes" \\ back\\slash\t<tab> 你好'}
TOOL_CALL = {'role': 'assistant', 'content': '', 'tool_calls': [
    {'type': 'function', 'function': {'name': 'get_weather', 'arguments': {'city': 'Paris', 'days': 3, 'metric': True, 'ratio': 0.5}}}]}
TOOL_RESULT = {'role': 'tool', 'content': '{"temp": 21}'}
TOOL_RESULT2 = {'role': 'tool', 'content': 'sunny'}
TOOLS = [{'type': 'function', 'function': {'name': 'get_weather', 'description': 'Weather for a city, "now".',
                                           'parameters': {'type': 'object', 'properties': {'city': {'type': 'string'}},
                                                          'required': ['city']}}}]

TOKENS = {'bos_token': '<s>', 'eos_token': '</s>'}


def conv(*messages, gen=True, **extra):
    d = {'messages': list(messages), 'add_generation_prompt': gen}
    d.update(TOKENS)
    d.update(extra)
    return d


CONVERSATIONS = [
    conv(U1),
    conv(U1, gen=False),
    conv(SYS, U1),
    conv(SYS, U1, A1, U2),
    conv(U1, A1, U2, gen=False),
    conv(U_UNICODE),
    conv(U1, A1),
    conv(A1),
    conv(SYS, SYS, U1),
]
TOOL_CONVERSATIONS = [
    conv(U1, TOOL_CALL, TOOL_RESULT, TOOL_RESULT2, tools=TOOLS),
    conv(SYS, U1, TOOL_CALL, TOOL_RESULT, tools=TOOLS),
    conv(SYS, U1, TOOL_CALL, TOOL_RESULT),
]

# ------------------------------------------------------------------ family-style templates (ours)
CHATML_TOOLS = """{%- if tools %}
    {{- '<|im_start|>system\\n' }}
    {%- if messages[0].role == 'system' %}
        {{- messages[0].content }}
    {%- else %}
        {{- 'You are a helpful assistant.' }}
    {%- endif %}
    {{- "\\n\\n# Tools\\n\\n<tools>" }}
    {%- for tool in tools %}
        {{- "\\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\\n</tools><|im_end|>\\n" }}
{%- elif messages[0]['role'] == 'system' %}
    {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
{%- else %}
    {{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}
{%- endif %}
{%- for message in messages %}
    {%- if message.role == "user" or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}
    {%- elif message.role == "assistant" %}
        {{- '<|im_start|>assistant' }}
        {%- if message.content %}
            {{- '\\n' + message.content }}
        {%- endif %}
        {%- for call in message.tool_calls %}
            {%- if call.function is defined %}
                {%- set call = call.function %}
            {%- endif %}
            {{- '\\n<tool_call>\\n{"name": "' + call.name + '", "arguments": ' + (call.arguments | tojson) + '}\\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\\n' }}
    {%- elif message.role == "tool" %}
        {%- if loop.index0 == 0 or messages[loop.index0 - 1].role != "tool" %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\\n<tool_response>\\n' + message.content + '\\n</tool_response>' }}
        {%- if loop.last or messages[loop.index0 + 1].role != "tool" %}
            {{- '<|im_end|>\\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
{%- endif %}
"""

LLAMA2 = """{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content'] %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set system_message = false %}
    {%- set loop_messages = messages %}
{%- endif %}
{%- for message in loop_messages %}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
        {{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
    {%- endif %}
    {%- if loop.index0 == 0 and system_message != false %}
        {%- set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}
    {%- else %}
        {%- set content = message['content'] %}
    {%- endif %}
    {%- if message['role'] == 'user' %}
        {{- bos_token + '[INST] ' + content.strip() + ' [/INST]' }}
    {%- elif message['role'] == 'assistant' %}
        {{- ' ' + content.strip() + ' ' + eos_token }}
    {%- endif %}
{%- endfor %}
"""

LLAMA3 = """{{- bos_token }}
{%- for message in messages %}
    {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
{%- endif %}
"""

GEMMA = """{{ bos_token }}
{%- if messages[0]['role'] == 'system' %}
    {{- raise_exception('System role not supported') }}
{%- endif %}
{%- for message in messages %}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
        {{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
    {%- endif %}
    {%- if message['role'] == 'assistant' %}
        {%- set role = 'model' %}
    {%- else %}
        {%- set role = message['role'] %}
    {%- endif %}
    {{- '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<start_of_turn>model\\n' }}
{%- endif %}
"""

MISTRAL = """{%- set ns = namespace(system='', turns=0) %}
{%- for m in messages if m.role == 'system' %}
    {%- set ns.system = ns.system ~ m.content ~ '\\n\\n' %}
{%- endfor %}
{%- set chat = messages | rejectattr('role', 'equalto', 'system') | list %}
{{- bos_token }}
{%- for m in chat %}
    {%- if m.role == 'user' %}
        {%- set ns.turns = ns.turns + 1 %}
        {{- '[INST] ' + (ns.system if loop.last else '') + m.content | trim + ' [/INST]' }}
    {%- elif m.role == 'assistant' %}
        {{- ' ' + m.content | trim + eos_token }}
    {%- else %}
        {{- raise_exception('Only user and assistant roles are supported, got ' ~ m.role ~ '!') }}
    {%- endif %}
{%- endfor %}
{{- '' if add_generation_prompt else '' }}{# turns: {{ ns.turns }} #}
"""

# Without whitespace control: trim_blocks / lstrip_blocks decide the layout.
PLAIN_LAYOUT = """{% for message in messages %}
    {% if message.role == 'user' %}
    User: {{ message.content }}
    {% else %}
  {{ message.role | capitalize }}: {{ message.content }}
    {% endif %}
{% endfor %}
{%+ if add_generation_prompt %}
Assistant:{% endif +%}
   {# a comment #}
after comment {{ messages | length }}
"""

FAMILIES = [
    ('chatml-tools', CHATML_TOOLS, CONVERSATIONS + TOOL_CONVERSATIONS),
    ('llama2', LLAMA2, CONVERSATIONS),
    ('llama3', LLAMA3, CONVERSATIONS),
    ('gemma', GEMMA, CONVERSATIONS),
    ('mistral', MISTRAL, CONVERSATIONS + [conv({'role': 'tool', 'content': 'x'})]),
    ('plain-layout', PLAIN_LAYOUT, CONVERSATIONS[:4]),
]

# ------------------------------------------------------------------ one template per feature
V = {'messages': [SYS, U1, A1], 'd': {'b': 2, 'a': 1, 'items': 'x', 'nested': {'k': [1, {'z': None}]}},
     'words': ['pear', 'Apple', 'fig', 'apple'], 'n': 7, 'f': 2.5, 'none_value': None, 's': '  Hello, World!  ',
     'people': [{'name': 'Ann', 'age': 31, 'admin': True}, {'name': 'Bob', 'age': 25}, {'name': 'Cy', 'age': 40, 'admin': False}]}

FEATURES = [
    ('literals', "{{ 1 }}|{{ -3 }}|{{ 1.0 }}|{{ 2.5e-7 }}|{{ 1e20 }}|{{ 0.1 + 0.2 }}|{{ 1_000 }}|{{ true }}|{{ True }}|{{ none }}|{{ None }}"
                 "|{{ 'single' }}|{{ \"double\" }}|{{ 'a' 'b' }}|{{ 'esc\\t\\n\\\\\\'\\\"\\x41\\u00e9\\U0001F600\\q' }}"),
    ('containers', "{{ [1, 'a', none, true, 2.0] }}|{{ (1,) }}|{{ (1, 'b') }}|{{ () }}|{{ {'k': 'v', 'n': [1, 2]} }}|{{ [] }}|{{ {} }}"
                   "|{{ [\"it's\", 'say \"hi\"', 'both \\' \"', 'nl\\n', 'tab\\t', 'bell\\x07', 'zw\\u200b', 'é'] }}|{{ d }}"),
    ('arithmetic', "{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 7.5 % 2 }} {{ -7.5 % 2 }} {{ 7 / 2 }} {{ 6 / 3 }}"
                   " {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 2 ** 0.5 }} {{ 'ab' * 3 }} {{ 3 * 'x' }} {{ [0] * 3 }} {{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }}"
                   " {{ 10 - 2 - 3 }} {{ -n }} {{ +n }} {{ n + f }} {{ true + 1 }} {{ 7.5 // 2 }} {{ [1] + [2] }} {{ 'a' + 'b' }}"),
    ('concat', "{{ 'x' ~ 1 ~ none ~ true ~ undefined_var ~ 2.0 }}|{{ 1 ~ (2 + 3) }}|{{ 2 * 3 ~ 4 }}|{{ 'n=' ~ n * 2 }}|{{ [1] ~ (2,) }}"),
    ('compare', "{{ 1 == 1.0 }} {{ 1 == true }} {{ 'a' < 'b' }} {{ 'B' < 'a' }} {{ [1, 2] == [1, 2] }} {{ [1, 2] < [1, 3] }} {{ none == none }}"
                " {{ undefined_x == none }} {{ undefined_x == undefined_y }} {{ 'a' in 'cat' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }}"
                " {{ 3 not in [1] }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 'x' != 'y' }} {{ 1 != 1.0 }} {{ 'z' in undefined_q }}"),
    ('logic', "{{ 0 or 'x' }}|{{ 'a' and 'b' }}|{{ '' or none }}|{{ not 0 }}|{{ not 'a' }}|{{ [] or {} }}|{{ 1 and 0 }}"
              "|{{ 'y' if true else 'n' }}|{{ 'y' if false }}|{{ ('y' if false) is defined }}|{{ 'a' if none else 'b' if 0 else 'c' }}"
              "|{{ not none_value is none }}|{{ not true and false }}|{{ true or undefined_z.attr }}"),
    ('names-and-access', "{{ undefined_var }}|{{ none_value }}|{{ d.a }}|{{ d['b'] }}|{{ d.items is defined }}|{{ d['items'] }}|{{ d.missing }}"
                         "|{{ d.missing is defined }}|{{ d.nested.k[1].z }}|{{ d.nested['k'][0] }}|{{ messages[0].role }}"
                         "|{{ messages[-1]['content'] }}|{{ messages[5] }}|{{ messages[5] is defined }}|{{ none_value.x }}"
                         "|{{ (none_value.x) is defined }}|{{ d.get('a') }}|{{ d.get('zz') }}|{{ d.get('zz', 'dflt') }}|{{ s.nothing }}"),
    ('slices', "{{ [1, 2, 3, 4, 5][1:] }}|{{ [1, 2, 3, 4, 5][:-1] }}|{{ [1, 2, 3, 4, 5][::-1] }}|{{ [1, 2, 3, 4, 5][::2] }}"
               "|{{ [1, 2, 3, 4, 5][-2:] }}|{{ [1, 2, 3, 4, 5][3:1:-1] }}|{{ 'hello'[1:3] }}|{{ 'hello'[::-1] }}|{{ 'hello'[-1] }}"
               "|{{ 'hello'[0] }}|{{ messages[1:] | length }}|{{ (1, 2, 3)[1:] }}|{{ [1, 2][5:] }}|{{ 'héllo👋'[1:3] }}"),
    ('string-methods', "{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ 'xxhixx'.strip('x') }}|{{ s.split() }}|{{ 'a,b,,c'.split(',') }}"
                       "|{{ 'a,b,c'.split(',', 1) }}|{{ ' a  b '.split(none, 1) }}|{{ s.upper() }}|{{ s.lower() }}|{{ \"they're bill's friends\".title() }}"
                       "|{{ 'hELLO wORLD'.capitalize() }}|{{ s.startswith('  He') }}|{{ s.endswith(('x', '!  ')) }}|{{ s.replace('l', 'L') }}"
                       "|{{ s.replace('l', 'L', 2) }}|{{ s.find('o') }}|{{ s.find('zz') }}|{{ s.count('l') }}|{{ '-'.join(['a', 'b']) }}"
                       "|{{ '12'.isdigit() }}|{{ 'ab1'.isalpha() }}|{{ ' '.isspace() }}|{{ 'abc'.removeprefix('a') }}"),
    ('filters', "{{ s | trim }}|{{ 'xxaxx' | trim('x') }}|{{ s | upper }}|{{ s | lower }}|{{ 'hELLO wORLD' | capitalize }}"
                "|{{ 'hello big-world (again) [x] <y> {z}' | title }}|{{ 'abc' | length }}|{{ 'héllo👋' | length }}|{{ [1, 2] | count }}"
                "|{{ d | length }}|{{ undefined_var | length }}|{{ words | first }}|{{ words | last }}|{{ [] | first }}|{{ words | join(', ') }}"
                "|{{ [1, none, 'x'] | join }}|{{ people | join('/', attribute='name') }}|{{ undefined_var | default('dflt') }}"
                "|{{ none_value | default('dflt') }}|{{ '' | default('dflt', true) }}|{{ 0 | d('z', boolean=true) }}|{{ 'abc' | list }}"
                "|{{ d | list }}|{{ 'aXbXc' | replace('X', '-') }}|{{ 'abc' | reverse }}|{{ [1, 2, 3] | reverse | list }}|{{ 42 | string }}"
                "|{{ '42' | int + 1 }}|{{ 'x' | int }}|{{ 'x' | int(7) }}|{{ '3.9' | int }}|{{ 3.9 | int }}|{{ '2.5' | float }}|{{ 'no' | float }}"
                "|{{ -3 | abs }}|{{ d | items | list }}|{{ words | unique | list }}|{{ words | sort | list }}|{{ words | sort(reverse=true) | list }}"
                "|{{ people | sort(attribute='age') | map(attribute='name') | list }}|{{ 'x' | safe }}"),
    ('select', "{{ people | selectattr('admin') | map(attribute='name') | join(',') }}|{{ people | rejectattr('admin') | map(attribute='name') | join(',') }}"
               "|{{ people | selectattr('age', 'gt', 30) | map(attribute='name') | list }}|{{ people | selectattr('name', 'equalto', 'Bob') | list | length }}"
               "|{{ [1, 2, 3, 4] | select('odd') | list }}|{{ [1, 2, 3, 4] | reject('even') | list }}|{{ [1, 0, '', 'a'] | select | list }}"
               "|{{ people | map(attribute='missing', default='?') | list }}|{{ words | map('upper') | list }}"
               "|{{ messages | selectattr('role', 'in', ['user', 'system']) | map(attribute='role') | list }}"),
    ('tojson', "{{ d | tojson }}|{{ people[0] | tojson }}|{{ [1.5, 2.0, 1e20, none, true, 'é\\n\"\\\\', '\\x01'] | tojson }}"
               "|{{ d | tojson(indent=2) }}|{{ {'b': 1, 'a': [1, {'c': []}]} | tojson(sort_keys=true) }}|{{ {} | tojson }}|{{ [] | tojson(indent=2) }}"
               "|{{ (1, 'x') | tojson }}|{{ {'k': {}} | tojson(indent=4) }}|{{ 'plain' | tojson }}"),
    ('tests', "{{ undefined_var is defined }} {{ undefined_var is undefined }} {{ none_value is none }} {{ n is number }} {{ f is number }}"
              " {{ true is number }} {{ n is integer }} {{ true is integer }} {{ f is float }} {{ s is string }} {{ d is mapping }}"
              " {{ words is iterable }} {{ s is iterable }} {{ n is iterable }} {{ words is sequence }} {{ true is boolean }} {{ 1 is boolean }}"
              " {{ true is true }} {{ 1 is true }} {{ false is false }} {{ n is odd }} {{ n is even }} {{ 9 is divisibleby 3 }}"
              " {{ 9 is divisibleby(4) }} {{ 'a' is eq 'a' }} {{ 'a' is equalto('b') }} {{ n is gt 5 }} {{ n is lt 5 }} {{ n is ge 7 }}"
              " {{ 2 is in [1, 2] }} {{ 'abc' is lower }} {{ 'ABC' is upper }} {{ none_value is not none }} {{ none_value is sameas none }}"
              " {{ n is not string }} {{ raise_exception is callable }}"),
    ('loops', "{% for m in messages %}[{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.length }}"
              "/{{ loop.first }}/{{ loop.last }}/{{ loop.previtem.role if loop.previtem is defined else '-' }}"
              "/{{ loop.nextitem.role if loop.nextitem is defined else '-' }}/{{ loop.cycle('odd', 'even') }}]{% endfor %}"
              "|{% for k in d %}{{ k }},{% endfor %}|{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}"
              "|{% for c in 'hé👋' %}<{{ c }}>{% endfor %}|{% for x in [] %}x{% else %}empty{% endfor %}"
              "|{% for p in people if p.age > 28 %}{{ loop.index }}:{{ p.name }}({{ loop.length }}){% endfor %}"
              "|{% for i in range(5) %}{% if i == 1 %}{% continue %}{% endif %}{% if i == 4 %}{% break %}{% endif %}{{ i }}{% endfor %}"
              "|{% for i in range(1, 10, 3) %}{{ i }}{% endfor %}|{% for i in range(3, 0, -1) %}{{ i }}{% endfor %}"
              "|{% for a in [1, 2] %}{% for b in 'xy' %}{{ a }}{{ b }}{{ loop.index }}{% endfor %}{{ loop.index }}{% endfor %}"
              "|{% for a, b in [(1, 2), [3, 4]] %}{{ a + b }}{% endfor %}|{% for x in undefined_list %}never{% endfor %}"),
    ('scoping', "{% set x = 1 %}{% for i in [1, 2, 3] %}[{{ x }}{% set x = x + 10 %}{{ x }}]{% endfor %}{{ x }}"
                "|{% for i in [1, 2] %}{% if i == 2 %}{{ y }}{% endif %}{% set y = 5 %}{% endfor %}{{ y }}"
                "|{% set ns = namespace(a=1, found=false) %}{% for i in [1, 2] %}{% set ns.a = ns.a + i %}{% if i == 2 %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.a }} {{ ns.found }}"
                "|{% if true %}{% set z = 'set-in-if' %}{% endif %}{{ z }}|{% set a, b = 1, 2 %}{{ a }}{{ b }}|{% set t = (3, 4) %}{{ t[0] }}"
                "|{% set block %}inner {{ n }}{% endset %}{{ block | upper }}|{% set messages = [] %}{{ messages | length }}"
                "|{% set d2 = dict(a=1, b='x') %}{{ d2 }}|{% set ns2 = namespace(d) %}{{ ns2.a }}"),
    ('whitespace', "A  {{- ' B ' -}}  C\n  {%- if true -%}  D  {%- endif -%}  \nE {#- c -#} F\n{% if true %}\n  G\n{% endif %}\n"
                   "    {% if true %}H{% endif %}\nI {{ 'J' }}\n  {%+ if true %}K{% endif %}\nL{% if true +%}\nM{% endif %}\n"),
    ('trailing-newline', "line one\n{{ 'two' }}\n"),
    ('crlf', "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\nc\r\n\r\n"),
    ('raise', "{% if messages | length > 1 %}{{ raise_exception('Too many messages: ' ~ messages | length) }}{% endif %}ok"),
    ('error-undefined-attr', "{{ undefined_var.attr }}"),
    ('error-type', "{{ 1 + 'a' }}"),
    ('error-concat-precedence', "{{ 1 ~ 2 + 3 }}"),
    ('error-compare-types', "{{ 1 < 'a' }}"),
    ('error-iterate-none', "{% for x in none_value %}{% endfor %}"),
]


def render(template, variables):
    try:
        return {'output': env.from_string(template).render(**variables)}
    except Exception as e:  # noqa: BLE001
        return {'error': type(e).__name__, 'message': str(e)}


def main():
    cases = []
    chatml_config = 'llm/synthetic/qwen2-tiny/hf/tokenizer_config.json'
    with open(os.path.join(SHARED, chatml_config), encoding='utf-8') as f:
        chatml = json.load(f)['chat_template']
    cases.append({'name': 'qwen2-tiny-chatml', 'template_from': chatml_config,
                  'renders': [dict(vars=c, **render(chatml, c)) for c in CONVERSATIONS]})
    for name, template, conversations in FAMILIES:
        cases.append({'name': name, 'template': template, 'renders': [dict(vars=c, **render(template, c)) for c in conversations]})
    for name, template in FEATURES:
        cases.append({'name': name, 'template': template, 'renders': [dict(vars=V, **render(template, V))]})
    out = {'generator': 'tests/LiteRt.Lm.Tests/oracle/make_chat_template_oracle.py', 'jinja2_version': jinja2.__version__,
           'environment': 'ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, loopcontrols); '
                          'raise_exception; tojson = json.dumps(ensure_ascii=False)',
           'cases': cases}
    path = os.path.join(HERE, 'chat_template_oracle.json')
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write('\n')
    errors = sum(1 for c in cases for r in c['renders'] if 'error' in r)
    print(f'wrote {path}: {len(cases)} templates, {sum(len(c["renders"]) for c in cases)} renders ({errors} errors)')


if __name__ == '__main__':
    main()
