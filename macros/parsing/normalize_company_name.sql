{#- A company name reduced to a matching key: lower case, accents removed, '&'
    spelt 'and', dots and apostrophes dropped (so 'U.S.' = 'US'), other
    punctuation turned into spaces, a leading 'the' and trailing legal suffixes
    (var legal_suffixes, optionally joined by 'and': 'Smith & Co') removed,
    whitespace collapsed. When nothing but a suffix is left ('The Company') the
    name before suffix removal is kept, so a name never normalizes to empty.
    'ACME, Inc.' = 'Acme Incorporated' = 'The Acme Company' = 'acme'. -#}
{% macro normalize_company_name(expr) -%}
    {%- set suffixes = [] -%}
    {%- for suffix in var('legal_suffixes') -%}
        {%- do suffixes.append(suffix | lower | replace('.', '') | trim) -%}
    {%- endfor -%}
    {%- set spelled = "replace(" ~ remove_accents('lower(' ~ expr ~ ')') ~ ", '&', ' and ')" -%}
    {%- set undotted = regexp_replace_all(spelled, "[.''’]", '') -%}
    {%- set words = 'trim(' ~ regexp_replace_all(remove_punctuation(undotted), '\\s+', ' ') ~ ')' -%}
    {%- set without_the = "regexp_replace(" ~ words ~ ", '^the ', '')" -%}
    {%- set without_suffix = "trim(regexp_replace(' ' || " ~ without_the
        ~ ", '( (and )?(" ~ suffixes | join('|') ~ "))+$', ''))" -%}
    coalesce(nullif({{ without_suffix }}, ''), nullif({{ without_the }}, ''))
{%- endmacro %}
