{#- CTEs fitting an L2-regularized logistic regression, unrolled: `steps`
    iterations after the CTE named `start`, the last one named `<prefix>_<steps>`.
    Rows of `start`: one per (group, example, feature) with columns group_key,
    example_id, feature_key, won_weight, total_weight (won + lost weight),
    l2_penalty (0 for an intercept), feature_rows (rows of the feature in the
    group), beta (the feature's starting coefficient) and eta (the example's
    starting linear predictor). Each iteration is a step of nonlinear conjugate
    gradients (Polak-Ribiere, restarted when it stalls) preconditioned by the
    diagonal of the Hessian, with one Newton step along the direction for its
    size (capped to [0, 4]): the exact L2 optimum up to a tolerance that the
    number of steps sets, all features together, so correlated features share
    their evidence. Every sum is exact (exact_window_sum, exact_sum), so the fit
    does not depend on the order an engine adds rows in: two runs on the same
    inputs give the same coefficients to the last bit. Every engine fits on one row
    per example and one per feature (logistic_fit_factored, the last CTE one row per
    feature; Spark stores its states as tables, spark__logistic_fit_steps). The row
    form, logistic_fit_chain (plain window functions over the rows of `start`, each
    CTE reads the previous one once, the last CTE one row per row of `start`), is
    Spark's without a stored `relation`; it gives the same numbers. -#}
{% macro logistic_fit_steps(start, steps, prefix='fit', relation=none) -%}
    {{ return(adapter.dispatch('logistic_fit_steps', 'abm_warehouse')(start, steps, prefix, relation)) }}
{%- endmacro %}

{% macro default__logistic_fit_steps(start, steps, prefix='fit', relation=none) -%}
    {{ return(logistic_fit_factored(start, steps, prefix)) }}
{%- endmacro %}

{#- DuckDB keeps every materialized CTE of a query until the query ends: in one query the
    40 steps' example states add up (1.5 GB at 100,000 accounts, past the memory limit at a
    million, where the fit spilled). In a run or build, the factored fit's states are
    stored as temporary tables instead, a step's dropped once the next step's exist, in one
    script (logistic_fit_stored_statements: a few example states live at a time); the
    model's query reads the last feature state. The same SQL per step, so the same
    coefficients to the last bit (tests/integration/test_icp.py compares them with the
    one-query form), in 60% of the time at 100,000 accounts and a seventh of the memory.
    Elsewhere (compile, show, unit tests, lint) the one-query form: nothing is executed
    while compiling. -#}
{% macro duckdb__logistic_fit_steps(start, steps, prefix='fit', relation=none) -%}
    {%- if relation is none or not execute or model.resource_type != 'model'
        or flags.WHICH not in ['run', 'build', 'retry'] -%}
        {{ return(logistic_fit_factored(start, steps, prefix)) }}
    {%- endif -%}
    {%- set at = 'temp.main.' ~ this.identifier ~ '__' -%}
    {%- do run_query(logistic_fit_stored_statements(relation, steps, prefix, at) | join(';\n')) -%}
{{ prefix }}_{{ steps }} as (
    select * from {{ at }}{{ prefix }}_{{ steps }}
)
{%- endmacro %}

{#- Spark has no materialized CTEs, and it plans a query as one tree: the factored
    fit's CTEs inlined, or the row form's whole unrolled chain (var icp_fit_steps x 5
    window CTEs), overflow its planner's stack or recompute every state at every read.
    Given `relation` (a stored table holding the rows of `start`), the factored fit's
    states are stored as Parquet tables (<model>__<prefix>_<cte>,
    logistic_fit_stored_statements, one run_query each: Spark runs one statement at a
    time), a previous run's <model>__* tables dropped first; the model's query reads the
    last feature state. The same SQL per step as on DuckDB, so the same coefficients to
    the last bit, and the same as logistic_fit_chain (the form without `relation`, and
    Spark's before December 2026). -#}
{% macro spark__logistic_fit_steps(start, steps, prefix='fit', relation=none) -%}
    {%- if relation is none or not execute -%}
        {{ return(logistic_fit_chain(start, 0, steps, prefix)) }}
    {%- endif -%}
    {%- set at = this.schema ~ '.' ~ this.identifier ~ '__' -%}
    {#- a previous run's tables (its last feature state, or all of a failed run's) -#}
    {%- set leftover = run_query("show tables in " ~ this.schema ~ " like '" ~ this.identifier ~ "__*'") -%}
    {%- for row in leftover.rows -%}
        {%- do run_query('drop table if exists ' ~ this.schema ~ '.' ~ row[1]) -%}
    {%- endfor -%}
    {%- for statement in logistic_fit_stored_statements(relation, steps, prefix, at) -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
{{ prefix }}_{{ steps }} as (
    select * from {{ at }}{{ prefix }}_{{ steps }}
)
{%- endmacro %}

{#- The statements that store logistic_fit_factored's steps as tables named
    `<at><prefix>_<cte>` (fit_state_create): each CTE it materializes is created (the CTEs
    it does not materialize inlined into the next stored one); a step's tables are dropped
    once the next step's states exist; at the end the memberships and the last example
    state too. The last feature state `<at><prefix>_<steps>` is left for the model's
    query. -#}
{% macro logistic_fit_stored_statements(relation, steps, prefix, at) -%}
    {%- set members = at ~ prefix ~ '_members' -%}
    {%- set ns = namespace(pending=[], live=[], statements=[]) -%}
    {%- for cte in logistic_fit_factored_ctes(relation, steps, prefix, at) -%}
        {%- if cte.materialized -%}
            {%- set table = at ~ cte.name -%}
            {%- set query = cte.sql if not ns.pending else 'with ' ~ (ns.pending | join(',\n')) ~ '\n' ~ cte.sql -%}
            {%- do ns.statements.append(fit_state_create(table, query)) -%}
            {%- set ns.pending = [] -%}
            {%- set suffix = cte.name[(prefix | length) + 1:] -%}
            {%- if suffix.isdigit() -%}
                {#- a new feature state: the previous step's tables are no longer read -#}
                {%- set keep = [members, at ~ cte.name, at ~ prefix ~ '_examples_' ~ suffix] -%}
                {%- for old in ns.live if old not in keep -%}
                    {%- do ns.statements.append('drop table if exists ' ~ old) -%}
                {%- endfor -%}
                {%- set ns.live = keep -%}
            {%- elif table not in ns.live -%}
                {%- set ns.live = ns.live + [table] -%}
            {%- endif -%}
        {%- else -%}
            {%- set ns.pending = ns.pending + [cte.name ~ ' as (\n' ~ cte.sql ~ '\n)'] -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do ns.statements.append('drop table if exists ' ~ members) -%}
    {%- do ns.statements.append('drop table if exists ' ~ at ~ prefix ~ '_examples_' ~ steps) -%}
    {{ return(ns.statements) }}
{%- endmacro %}

{#- `create table <table> as <query>` for a stored fit state. Dispatched: a temporary
    table on DuckDB (it lives in memory, spilling past the limit, and goes with the
    connection), a Parquet table on Spark (no Delta jars, no temporary tables). -#}
{% macro fit_state_create(table, query) -%}
    {{ return(adapter.dispatch('fit_state_create', 'abm_warehouse')(table, query)) }}
{%- endmacro %}

{% macro default__fit_state_create(table, query) -%}
    {{ return('create or replace temp table ' ~ table ~ ' as\n' ~ query) }}
{%- endmacro %}

{% macro spark__fit_state_create(table, query) -%}
    {{ return('create table ' ~ table ~ ' using parquet as\n' ~ query) }}
{%- endmacro %}

{#- The CTEs of steps first .. last - 1; the first reads `start` (a CTE or a
    relation holding the rows after step `first`). -#}
{% macro logistic_fit_chain(start, first, last, prefix) -%}
    {%- set carried = 'group_key, example_id, feature_key, won_weight, total_weight, l2_penalty, feature_rows' -%}
    {%- set p = sigmoid('eta') -%}
    {%- for s in range(first, last) %}
        {%- set source = start if s == first else prefix ~ '_' ~ s %}
{{ prefix }}_gradient_{{ s }} as (
    select
        {{ carried }},
        beta,
        eta,
        {% if s == 0 -%}
            cast(0 as {{ type_double() }}) as previous_gradient,
            cast(0 as {{ type_double() }}) as previous_scaled,
            cast(0 as {{ type_double() }}) as previous_direction,
        {%- else -%}
            previous_gradient,
            previous_scaled,
            previous_direction,
        {%- endif %}
        {{ exact_window_sum('won_weight - total_weight * ' ~ p, 'group_key, feature_key') }}
        - l2_penalty * beta as gradient,
        {{ exact_window_sum('total_weight * ' ~ p ~ ' * (1 - ' ~ p ~ ')', 'group_key, feature_key') }}
        + l2_penalty as curvature
    from {{ source }}
),

{{ prefix }}_direction_{{ s }} as (
    select
        {{ carried }},
        beta,
        eta,
        gradient,
        coalesce(gradient / nullif(curvature, 0), 0) as scaled,
        coalesce(gradient / nullif(curvature, 0), 0) + previous_direction * coalesce(greatest(
            {{ exact_window_sum(
                'coalesce(gradient / nullif(curvature, 0), 0) * (gradient - previous_gradient) / feature_rows',
                'group_key'
            ) }}
            / nullif({{ exact_window_sum('previous_scaled * previous_gradient / feature_rows', 'group_key') }}, 0),
            0
        ), 0) as direction
    from {{ prefix }}_gradient_{{ s }}
),

{{ prefix }}_push_{{ s }} as (
    select
        {{ carried }},
        beta,
        eta,
        gradient,
        scaled,
        direction,
        {{ exact_window_sum('direction', 'group_key, example_id') }} as eta_direction
    from {{ prefix }}_direction_{{ s }}
),

{{ prefix }}_size_{{ s }} as (
    select
        {{ carried }},
        beta,
        eta,
        gradient,
        scaled,
        direction,
        eta_direction,
        least(greatest(coalesce(
            {{ exact_window_sum(
                '(won_weight - total_weight * ' ~ p ~ ') * direction'
                ~ ' - l2_penalty * beta * direction / feature_rows',
                'group_key'
            ) }}
            / nullif({{ exact_window_sum(
                'total_weight * ' ~ p ~ ' * (1 - ' ~ p ~ ') * eta_direction * direction'
                ~ ' + l2_penalty * direction * direction / feature_rows',
                'group_key'
            ) }}, 0),
            0
        ), 0), 4) as step_size
    from {{ prefix }}_push_{{ s }}
),

{{ prefix }}_{{ s + 1 }} as (
    select
        {{ carried }},
        beta + step_size * direction as beta,
        eta + step_size * eta_direction as eta,
        gradient as previous_gradient,
        scaled as previous_scaled,
        direction as previous_direction
    from {{ prefix }}_size_{{ s }}
){% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}


{#- sum(expr) over (partition by ...) added exactly: each term rounded to 18
    decimals, the sum a decimal, then a double. A floating-point sum depends on the
    order rows arrive in, which a parallel engine does not fix. Given `weight` (a
    whole number of rows the row stands for), each rounded term counts that many
    times: the same decimal sum as that many copies of the row. -#}
{% macro exact_window_sum(expr, partition_by, weight=none) -%}
    cast(sum({{ exact_term(expr, weight) }}) over (partition by {{ partition_by }}) as {{ type_double() }})
{%- endmacro %}

{#- sum(expr) as an aggregate, added exactly as exact_window_sum adds. -#}
{% macro exact_sum(expr, weight=none) -%}
    cast(sum({{ exact_term(expr, weight) }}) as {{ type_double() }})
{%- endmacro %}

{#- One term of an exact sum: expr rounded to 18 decimals, times `weight` if given
    (an exact decimal product). Dispatched: Spark types decimal(38, 18) x bigint as
    decimal(38, 6) (its precision-loss rule), so there the term is narrowed first. -#}
{% macro exact_term(expr, weight=none) -%}
    {{ return(adapter.dispatch('exact_term', 'abm_warehouse')(expr, weight)) }}
{%- endmacro %}

{% macro default__exact_term(expr, weight=none) -%}
    cast({{ expr }} as decimal(38, 18)){% if weight is not none %} * {{ weight }}{% endif %}
{%- endmacro %}

{#- decimal(28, 18) x decimal(9, 0) is typed decimal(38, 18) on Spark: the exact
    product, as on DuckDB (a term of 10^10 or more, or a weight of 10^9, fails the
    cast under ANSI mode instead of rounding). -#}
{% macro spark__exact_term(expr, weight=none) -%}
    {%- if weight is none -%}
        cast({{ expr }} as decimal(38, 18))
    {%- else -%}
        cast(cast({{ expr }} as decimal(38, 18)) as decimal(28, 18)) * cast({{ weight }} as decimal(9, 0))
    {%- endif -%}
{%- endmacro %}
