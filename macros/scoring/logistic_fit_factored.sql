{#- The same steps as logistic_fit_chain, on three small tables instead of one row per
    (group, example, feature) carried through every window: the memberships
    (`<prefix>_members`, which example has which feature), the example state (eta) and
    the feature state (beta, the previous gradient and direction). A step joins the
    memberships to one state and aggregates: per feature (gradient, curvature), per
    example (eta_direction) and per group (the step size). Each row of the row form
    repeats its example's or its feature's value, so every sum adds the same rounded
    terms: a sum of a feature-level term over the group's rows is that term times the
    feature's rows (an exact decimal product), and a double that the row form computes
    per row is computed once from the same operands in the same order. Same
    coefficients to the last bit, at a fraction of the cost. The states are read more
    than once, so the CTEs are materialized (on Spark, which has no materialized CTEs,
    spark__logistic_fit_steps stores each as a table: logistic_fit_factored_ctes). -#}
{% macro logistic_fit_factored(start, steps, prefix) -%}
    {%- set ctes = logistic_fit_factored_ctes(start, steps, prefix) -%}
    {%- for cte in ctes %}

{{ cte.name }} as {% if cte.materialized %}materialized {% endif %}(
{{ cte.sql }}
){% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- The CTEs of logistic_fit_factored, in order: a list of {name, sql, materialized}
    (sql a select). References to a materialized CTE are written `<at><name>`: with
    `at` empty, the CTE; with `at` a schema and table prefix, the table an engine
    stored it in. -#}
{% macro logistic_fit_factored_ctes(start, steps, prefix, at='') -%}
    {%- set p = sigmoid('eta') -%}
    {%- set ctes = [] -%}
    {%- set features_0 -%}
    select
        group_key,
        feature_key,
        row_number() over (order by group_key, feature_key) as feature_no,
        max(l2_penalty) as l2_penalty,
        max(feature_rows) as feature_rows,
        count(*) as member_rows,
        max(beta) as beta,
        cast(0 as {{ type_double() }}) as previous_gradient,
        cast(0 as {{ type_double() }}) as previous_scaled,
        cast(0 as {{ type_double() }}) as previous_direction
    from {{ start }}
    group by
        group_key,
        feature_key
    {%- endset -%}
    {%- do ctes.append({'name': prefix ~ '_0', 'sql': features_0, 'materialized': true}) -%}
    {%- set examples_0 -%}
    select
        group_key,
        example_id,
        row_number() over (order by group_key, example_id) as example_no,
        max(won_weight) as won_weight,
        max(total_weight) as total_weight,
        max(eta) as eta
    from {{ start }}
    group by
        group_key,
        example_id
    {%- endset -%}
    {%- do ctes.append({'name': prefix ~ '_examples_0', 'sql': examples_0, 'materialized': true}) -%}
    {%- set members -%}
    select
        examples.example_no,
        features.feature_no
    from {{ start }} as fit_rows
    inner join {{ at }}{{ prefix }}_0 as features
        on
            fit_rows.group_key = features.group_key
            and fit_rows.feature_key = features.feature_key
    inner join {{ at }}{{ prefix }}_examples_0 as examples
        on
            fit_rows.group_key = examples.group_key
            and fit_rows.example_id = examples.example_id
    {%- endset -%}
    {%- do ctes.append({'name': prefix ~ '_members', 'sql': members, 'materialized': true}) -%}
    {%- for s in range(steps) -%}
        {%- set scores -%}
    select
        group_key,
        example_no,
        won_weight,
        total_weight,
        eta,
        won_weight - total_weight * {{ p }} as residual,
        total_weight * {{ p }} * (1 - {{ p }}) as variance,
        {{ exact_term('won_weight - total_weight * ' ~ p) }} as exact_residual,
        {{ exact_term('total_weight * ' ~ p ~ ' * (1 - ' ~ p ~ ')') }} as exact_variance
    from {{ at }}{{ prefix }}_examples_{{ s }}
        {%- endset -%}
        {%- do ctes.append({'name': prefix ~ '_scores_' ~ s, 'sql': scores, 'materialized': true}) -%}
        {%- set gradient -%}
    select
        features.group_key,
        features.feature_key,
        features.feature_no,
        features.l2_penalty,
        features.feature_rows,
        features.member_rows,
        features.beta,
        features.previous_gradient,
        features.previous_scaled,
        features.previous_direction,
        sums.residual_sum - features.l2_penalty * features.beta as gradient,
        sums.variance_sum + features.l2_penalty as curvature
    from {{ at }}{{ prefix }}_{{ s }} as features
    inner join (
        select
            members.feature_no,
            cast(sum(scores.exact_residual) as {{ type_double() }}) as residual_sum,
            cast(sum(scores.exact_variance) as {{ type_double() }}) as variance_sum
        from {{ at }}{{ prefix }}_members as members
        inner join {{ at }}{{ prefix }}_scores_{{ s }} as scores
            on members.example_no = scores.example_no
        group by members.feature_no
    ) as sums
        on features.feature_no = sums.feature_no
        {%- endset -%}
        {%- do ctes.append({'name': prefix ~ '_gradient_' ~ s, 'sql': gradient, 'materialized': false}) -%}
        {%- set direction -%}
    select
        group_key,
        feature_key,
        feature_no,
        l2_penalty,
        feature_rows,
        member_rows,
        beta,
        gradient,
        coalesce(gradient / nullif(curvature, 0), 0) as scaled,
        coalesce(gradient / nullif(curvature, 0), 0) + previous_direction * coalesce(greatest(
            {{ exact_window_sum(
                'coalesce(gradient / nullif(curvature, 0), 0) * (gradient - previous_gradient) / feature_rows',
                'group_key', 'member_rows'
            ) }}
            / nullif({{ exact_window_sum(
                'previous_scaled * previous_gradient / feature_rows', 'group_key', 'member_rows'
            ) }}, 0),
            0
        ), 0) as direction
    from {{ prefix }}_gradient_{{ s }}
        {%- endset -%}
        {%- do ctes.append({'name': prefix ~ '_direction_' ~ s, 'sql': direction, 'materialized': false}) -%}
        {%- set directed -%}
    select
        group_key,
        feature_key,
        feature_no,
        l2_penalty,
        feature_rows,
        member_rows,
        beta,
        gradient,
        scaled,
        direction,
        {{ exact_term('direction') }} as exact_direction
    from {{ prefix }}_direction_{{ s }}
        {%- endset -%}
        {%- do ctes.append({'name': prefix ~ '_directed_' ~ s, 'sql': directed, 'materialized': true}) -%}
        {%- set push -%}
    select
        scores.group_key,
        scores.example_no,
        scores.won_weight,
        scores.total_weight,
        scores.eta,
        scores.residual,
        scores.variance,
        pushed.eta_direction
    from {{ at }}{{ prefix }}_scores_{{ s }} as scores
    inner join (
        select
            members.example_no,
            cast(sum(directions.exact_direction) as {{ type_double() }}) as eta_direction
        from {{ at }}{{ prefix }}_members as members
        inner join {{ at }}{{ prefix }}_directed_{{ s }} as directions
            on members.feature_no = directions.feature_no
        group by members.example_no
    ) as pushed
        on scores.example_no = pushed.example_no
        {%- endset -%}
        {%- do ctes.append({'name': prefix ~ '_push_' ~ s, 'sql': push, 'materialized': true}) -%}
        {%- set size -%}
    select
        directions.group_key,
        least(greatest(coalesce(
            {{ exact_sum(
                'pushes.residual * directions.direction'
                ~ ' - directions.l2_penalty * directions.beta * directions.direction / directions.feature_rows'
            ) }}
            / nullif({{ exact_sum(
                'pushes.variance * pushes.eta_direction * directions.direction'
                ~ ' + directions.l2_penalty * directions.direction * directions.direction'
                ~ ' / directions.feature_rows'
            ) }}, 0),
            0
        ), 0), 4) as step_size
    from {{ at }}{{ prefix }}_members as members
    inner join {{ at }}{{ prefix }}_push_{{ s }} as pushes
        on members.example_no = pushes.example_no
    inner join {{ at }}{{ prefix }}_directed_{{ s }} as directions
        on members.feature_no = directions.feature_no
    group by directions.group_key
        {%- endset -%}
        {%- do ctes.append({'name': prefix ~ '_size_' ~ s, 'sql': size, 'materialized': true}) -%}
        {%- set examples_next -%}
    select
        pushes.group_key,
        pushes.example_no,
        pushes.won_weight,
        pushes.total_weight,
        pushes.eta + sizes.step_size * pushes.eta_direction as eta
    from {{ at }}{{ prefix }}_push_{{ s }} as pushes
    inner join {{ at }}{{ prefix }}_size_{{ s }} as sizes
        on pushes.group_key = sizes.group_key
        {%- endset -%}
        {%- do ctes.append({'name': prefix ~ '_examples_' ~ (s + 1), 'sql': examples_next, 'materialized': true}) -%}
        {%- set features_next -%}
    select
        directions.group_key,
        directions.feature_key,
        directions.feature_no,
        directions.l2_penalty,
        directions.feature_rows,
        directions.member_rows,
        directions.beta + sizes.step_size * directions.direction as beta,
        directions.gradient as previous_gradient,
        directions.scaled as previous_scaled,
        directions.direction as previous_direction
    from {{ at }}{{ prefix }}_directed_{{ s }} as directions
    inner join {{ at }}{{ prefix }}_size_{{ s }} as sizes
        on directions.group_key = sizes.group_key
        {%- endset -%}
        {%- do ctes.append({'name': prefix ~ '_' ~ (s + 1), 'sql': features_next, 'materialized': true}) -%}
    {%- endfor -%}
    {{ return(ctes) }}
{%- endmacro %}
