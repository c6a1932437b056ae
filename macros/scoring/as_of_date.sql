{#- The scoring date as a SQL date expression: the var as_of_date (YYYY-MM-DD,
    env ABM_AS_OF) when set, otherwise the latest event date in the data as
    computed by the model int_as_of_date (never the wall clock). -#}
{% macro as_of_date() -%}
    {%- set value = var('as_of_date', '') | string | trim -%}
    {%- if value -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value) -%}
            {{ exceptions.raise_compiler_error("var as_of_date must be YYYY-MM-DD, got '" ~ value ~ "'") }}
        {%- endif -%}
        {#- Still a dependency, as without the var (recorded at parse time only; unit
            tests give no int_as_of_date): dbt then runs the graph Dagster parsed, and
            Dagster, which checks the order of dbt's results against it, accepts a run
            with the var (the backfill job). -#}
        {%- if not execute -%}
            {%- do ref('int_as_of_date') -%}
        {%- endif -%}
        cast('{{ value }}' as date)
    {%- else -%}
        (select as_of.as_of_date from {{ ref('int_as_of_date') }} as as_of)
    {%- endif -%}
{%- endmacro %}
