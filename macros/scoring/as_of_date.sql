{#- The scoring date as a SQL date expression: the var as_of_date (YYYY-MM-DD; a manual
    `dbt build --vars`) when set, else the environment variable ABM_SCORING_DATE (the
    refresh sets it from ABM_AS_OF, ABM_DBT_VARS or a backfill's date: a var would make
    dbt re-parse the project for every new date; read only while dbt executes, so it
    never enters the parse state), otherwise the latest event date in the data as
    computed by the model int_as_of_date (never the wall clock). -#}
{% macro as_of_date() -%}
    {%- set value = var('as_of_date', '') | string | trim -%}
    {%- if not value and execute -%}
        {%- set value = env_var('ABM_SCORING_DATE', '') | trim -%}
    {%- endif -%}
    {%- if value -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value) -%}
            {{ exceptions.raise_compiler_error("the scoring date (var as_of_date or ABM_SCORING_DATE) must be YYYY-MM-DD, got '" ~ value ~ "'") }}
        {%- endif -%}
        {#- Still a dependency, as without a date (recorded at parse time only; unit
            tests give no int_as_of_date): dbt then runs the graph Dagster parsed, and
            Dagster, which checks the order of dbt's results against it, accepts a run
            with a date (the backfill job). -#}
        {%- if not execute -%}
            {%- do ref('int_as_of_date') -%}
        {%- endif -%}
        cast('{{ value }}' as date)
    {%- else -%}
        (select as_of.as_of_date from {{ ref('int_as_of_date') }} as as_of)
    {%- endif -%}
{%- endmacro %}
