{#- One row per cutoff, ICP attribute and bucket that has a learned weight or an
    active add/override criterion (seeds/icp/icp_criteria.csv): the weight the
    score uses, by var icp_scoring_mode:
      learned: learned_weight x weight_multiplier of a scored attribute_name
               (seeds/icp/icp_attributes.csv); criteria points are ignored;
      rules:   override points, else 0, plus added points;
      blend:   override points, else the learned part, plus added points.
    A cutoff where nothing could be learned (int_icp_training_modes: rules)
    scores by the rules whatever the mode.
    Criteria name a bucket as icp_attribute_weights shows it (case-insensitive). -#}
{%- set mode = var('icp_scoring_mode') -%}
{%- if mode not in ['learned', 'rules', 'blend'] -%}
    {{ exceptions.raise_compiler_error("var icp_scoring_mode must be learned, rules or blend, got '" ~ mode ~ "'") }}
{%- endif -%}
with

cutoffs as (
    select * from {{ ref('int_icp_cutoffs') }}
),

learned as (
    select * from {{ ref('int_icp_attribute_weights_learned') }}
),

modes as (
    select * from {{ ref('int_icp_training_modes') }}
),

attribute_config as (
    select * from {{ ref('icp_attributes') }}
),

criteria as (
    select * from {{ ref('icp_criteria') }}
    where
        is_active
        and action in ('add', 'override')
),

criteria_points as (
    select
        attribute_name,
        lower(value) as bucket_key,
        max(value) as bucket,
        cast(sum(cast(
            case when action = 'add' then points end
            as {{ exact_decimal() }}
        )) as {{ type_double() }}) as added_points,
        max(case when action = 'override' then points end) as override_points,
        {{ dbt.listagg('reason', "'; '", 'order by criterion_id') }} as rule_reason
    from criteria
    group by
        attribute_name,
        lower(value)
),

criteria_per_cutoff as (
    select
        cutoffs.cutoff_name,
        criteria_points.attribute_name,
        criteria_points.bucket_key,
        criteria_points.bucket,
        criteria_points.added_points,
        criteria_points.override_points,
        criteria_points.rule_reason
    from criteria_points
    cross join cutoffs
),

combined as (
    select
        coalesce(learned.cutoff_name, criteria_per_cutoff.cutoff_name) as cutoff_name,
        coalesce(learned.attribute_name, criteria_per_cutoff.attribute_name) as attribute_name,
        coalesce(learned.bucket, criteria_per_cutoff.bucket) as bucket,
        learned.support,
        learned.won_accounts,
        learned.lost_accounts,
        learned.base_win_rate,
        learned.win_rate,
        learned.smoothed_win_rate,
        learned.lift,
        learned.is_supported,
        coalesce(learned.learned_weight, 0) as learned_weight,
        criteria_per_cutoff.added_points,
        criteria_per_cutoff.override_points,
        criteria_per_cutoff.rule_reason
    from learned
    full outer join criteria_per_cutoff
        on
            learned.cutoff_name = criteria_per_cutoff.cutoff_name
            and learned.attribute_name = criteria_per_cutoff.attribute_name
            and lower(learned.bucket) = criteria_per_cutoff.bucket_key
),

configured as (
    select
        combined.cutoff_name,
        combined.attribute_name,
        combined.bucket,
        combined.support,
        combined.won_accounts,
        combined.lost_accounts,
        combined.base_win_rate,
        combined.win_rate,
        combined.smoothed_win_rate,
        combined.lift,
        coalesce(combined.is_supported, false) as is_supported,
        combined.learned_weight,
        coalesce(attribute_config.is_scored, false) as is_scored,
        case
            when coalesce(attribute_config.is_scored, false)
                then combined.learned_weight * coalesce(attribute_config.weight_multiplier, 1.0)
            else 0
        end as learned_part,
        combined.added_points,
        combined.override_points,
        combined.rule_reason,
        modes.is_rules_fallback
    from combined
    inner join modes
        on combined.cutoff_name = modes.cutoff_name
    left join attribute_config
        on combined.attribute_name = attribute_config.attribute_name
),

final as (
    select
        cutoff_name,
        attribute_name,
        bucket,
        cast(support as {{ dbt.type_int() }}) as support,  -- noqa: RF04
        cast(won_accounts as {{ dbt.type_int() }}) as won_accounts,
        cast(lost_accounts as {{ dbt.type_int() }}) as lost_accounts,
        cast(base_win_rate as {{ type_double() }}) as base_win_rate,
        cast(win_rate as {{ type_double() }}) as win_rate,
        cast(smoothed_win_rate as {{ type_double() }}) as smoothed_win_rate,
        cast(lift as {{ type_double() }}) as lift,
        is_supported,
        is_scored,
        cast(learned_weight as {{ type_double() }}) as learned_weight,
        cast(added_points as {{ type_double() }}) as added_points,
        cast(override_points as {{ type_double() }}) as override_points,
        {%- set rules_weight = 'coalesce(override_points, 0) + coalesce(added_points, 0)' %}
        {%- if mode == 'learned' %}
            cast(
                case when is_rules_fallback then {{ rules_weight }} else learned_part end as {{ type_double() }}
            ) as weight,
            is_rules_fallback and rule_reason is not null as is_rule_applied,
        {%- elif mode == 'rules' %}
            cast({{ rules_weight }} as {{ type_double() }}) as weight,
            rule_reason is not null as is_rule_applied,
        {%- else %}
            cast(
                case
                    when is_rules_fallback then {{ rules_weight }}
                    else coalesce(override_points, learned_part) + coalesce(added_points, 0)
                end as {{ type_double() }}
            ) as weight,
            rule_reason is not null as is_rule_applied,
        {%- endif %}
        rule_reason
    from configured
)

select * from final
