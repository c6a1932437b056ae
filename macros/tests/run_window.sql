{#- Tests on history tables check the rows a daily run can have changed, not all of
    history. A test opts in with `config: {where: "__run_window__(<date column>)"}`;
    the daily refresh sets the window's start to the scoring date of the build it
    starts from (orchestration/lib/run_window.py) through the environment variable
    ABM_TEST_ROWS_SINCE, read only while dbt executes (a var would change dbt's parse
    state every day and cost a whole re-parse); the var test_rows_since does the same
    by hand. The window reaches back var test_window_days more days for late files.
    Without either (a first build, a manual `dbt build`) every row is checked. -#}
{% macro run_window_start() -%}
    {%- set from_env = env_var('ABM_TEST_ROWS_SINCE', '') if execute else '' -%}
    {%- set since = (from_env or var('test_rows_since', '')) | string | trim -%}
    {%- if not since -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', since) -%}
        {{ exceptions.raise_compiler_error("var test_rows_since must be YYYY-MM-DD, got '" ~ since ~ "'") }}
    {%- endif -%}
    {%- set days = var('test_window_days', 7) | int -%}
    {%- set start = modules.datetime.datetime.strptime(since, '%Y-%m-%d').date()
        - modules.datetime.timedelta(days=days) -%}
    {{ return(start.isoformat()) }}
{%- endmacro %}

{#- A predicate: the row's date is inside the run window (or unknown); true for every
    row when there is no window. -#}
{% macro in_run_window(column) -%}
    {%- set start = run_window_start() -%}
    {%- if start is none -%}
        1 = 1
    {%- else -%}
        ({{ column }} >= cast('{{ start }}' as date) or {{ column }} is null)
    {%- endif -%}
{%- endmacro %}

{#- dbt's get_where_subquery (the relation a generic test reads) with each placeholder
    `__run_window__(<column>)` in a test's `where` replaced by in_run_window(<column>). -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set state = namespace(where=config.get('where', '')) -%}
    {%- if state.where and '__run_window__' in state.where -%}
        {%- for column in modules.re.findall('__run_window__[(]([A-Za-z0-9_.]+)[)]', state.where) -%}
            {%- set state.where = state.where | replace(
                '__run_window__(' ~ column ~ ')', in_run_window(column) | trim) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if state.where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ state.where }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}
