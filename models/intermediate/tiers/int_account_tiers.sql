{#- One row per universe account per as-of date: its ABM tier, motion and why,
    the tier history. The decisions come from the steps before: rules
    (int_tier_rules_evaluated), stability (int_tiers_stabilized), overrides
    (int_tiers_overridden) and capacity (int_tiers_allocated); this model writes
    the reason (reason_code, tier_reason in plain words), the motion (seed
    tier_rules) and the program. Incremental by as_of_date: a run adds or
    replaces its own date and keeps earlier dates, which int_tiers_previous_run
    reads for the next run's stability. -#}
{{ config(**partitioned_incremental('as_of_date')) }}
{%- set string = dbt.type_string() -%}
{%- set int = dbt.type_int() -%}
with

allocated as (
    select * from {{ ref('int_tiers_allocated') }}
),

tier_inputs as (
    select * from {{ ref('int_tier_inputs_joined') }}
),

tier_rules as (
    select * from {{ ref('tier_rules') }}
),

reasoned as (
    select
        allocated.*,
        case
            when allocated.override_rank is not null then 'override'
            when allocated.is_excluded then 'excluded'
            when allocated.is_expansion then 'expansion'
            when allocated.desired_rank is null then allocated.rule_miss_reason
            when
                allocated.owner_capped_rank = allocated.desired_rank
                and (allocated.placed_rank is null or allocated.placed_rank > allocated.desired_rank)
                then 'owner_capacity'
            when allocated.placed_rank is null or allocated.placed_rank > allocated.desired_rank then 'capacity'
            when allocated.is_held then 'held'
            else 'rule'
        end as reason_code,
        case allocated.tier_rank
            when 1 then 'tier_1' when 2 then 'tier_2' when 3 then 'tier_3' else 'not_target'
        end as tier,
        case allocated.rule_tier_rank
            when 1 then 'tier_1' when 2 then 'tier_2' when 3 then 'tier_3' else 'not_target'
        end as rule_tier,
        case allocated.desired_rank
            when 1 then 'tier_1' when 2 then 'tier_2' when 3 then 'tier_3'
        end as desired_tier
    from allocated
),

-- The inputs in words, quoted by the reasons.
evidence as (
    select
        tier_inputs.account_id,
        {{ dbt.concat([
            "'fit '", "coalesce(tier_inputs.fit_grade, '?')",
            "' ('", "coalesce(cast(cast(round(tier_inputs.fit_score, 0) as " ~ int ~ ") as " ~ string ~ "), 'none')",
            "')'",
            "', intent '", "cast(cast(round(tier_inputs.intent_score, 0) as " ~ int ~ ") as " ~ string ~ ")",
            "case when tier_inputs.is_surging then ' (surging' || coalesce(': ' || tier_inputs.top_topics, '') || ')'"
            ~ " else ' (not surging)' end",
            "', engagement '", "cast(cast(round(tier_inputs.engagement_score, 0) as " ~ int ~ ") as " ~ string ~ ")",
            "case when tier_inputs.is_engaged then ' (engaged)' else ' (not engaged)' end",
            "', '", "tier_inputs.acv_class", "' ACV potential'",
        ]) }} as evidence_text
    from tier_inputs
),

final as (
    select
        reasoned.account_id,
        reasoned.as_of_date,
        reasoned.tier,
        cast(reasoned.tier_rank as {{ int }}) as tier_rank,
        tier_rules.motion,
        case
            when reasoned.reason_code = 'override' then {{ dbt.concat([
                "'Sales override by '", "reasoned.override_owner", "' until '",
                "cast(reasoned.override_expires_on as " ~ string ~ ")", "': '", "reasoned.override_reason",
                "' (rules say '", "reasoned.rule_tier", "')'"]) }}
            when reasoned.reason_code = 'excluded' then {{ dbt.concat([
                "'Not a target: excluded ('", "coalesce(tier_inputs.exclusion_reason, 'fit exclusion')", "')'"]) }}
            when reasoned.reason_code = 'expansion'
                then
                    'Existing customer: expansion program (upsell/cross-sell) instead of a new-logo tier'
            when reasoned.reason_code = 'no_fit_score' then 'Not a target: no fit score for this account'
            when reasoned.reason_code = 'below_fit_bar' then {{ dbt.concat([
                "'Not a target: fit below the bar; '", "evidence.evidence_text"]) }}
            when reasoned.reason_code = 'no_rule_met' then {{ dbt.concat([
                "'Not a target: meets no tier rule; '", "evidence.evidence_text"]) }}
            when reasoned.reason_code = 'owner_capacity' and reasoned.tier_rank = 4 then {{ dbt.concat([
                "'Owner at capacity: no '", "reasoned.desired_tier", "' slot left for this owner"
                ~ " and every tier below it is full; '", "evidence.evidence_text"]) }}
            when reasoned.reason_code = 'owner_capacity' then {{ dbt.concat([
                "'Owner at capacity: no '", "reasoned.desired_tier", "' slot left for this owner, placed in '",
                "reasoned.tier", "'; '", "evidence.evidence_text"]) }}
            when reasoned.reason_code = 'capacity' and reasoned.tier_rank = 4 then {{ dbt.concat([
                "'Capacity: '", "reasoned.desired_tier", "' and every tier below it are full; '",
                "evidence.evidence_text"]) }}
            when reasoned.reason_code = 'capacity' then {{ dbt.concat([
                "'Capacity: '", "reasoned.desired_tier", "' is full, placed in '", "reasoned.tier", "'; '",
                "evidence.evidence_text"]) }}
            when reasoned.reason_code = 'held' then {{ dbt.concat([
                "'Held at '", "reasoned.tier", "' for stability: below its bar for '",
                "cast(reasoned.runs_below_bar as " ~ string ~ ")", "' of '",
                "'" ~ var('tiers_hysteresis_runs') ~ "'", "' runs (rules now say '", "reasoned.rule_tier", "'); '",
                "evidence.evidence_text"]) }}
            else {{ dbt.concat(["'Meets the '", "reasoned.tier", "' rule: '", "evidence.evidence_text"]) }}
        end as tier_reason,
        reasoned.reason_code,
        case
            when reasoned.reason_code = 'override' then 'override'
            when reasoned.reason_code = 'held' then 'hysteresis'
            else 'rules'
        end as tier_source,
        reasoned.rule_tier,
        reasoned.previous_tier,
        reasoned.previous_as_of_date,
        cast(reasoned.runs_below_bar as {{ int }}) as runs_below_bar,
        reasoned.reason_code = 'override' as is_override,
        reasoned.override_owner,
        reasoned.override_expires_on,
        case when reasoned.is_expansion then 'expansion' else 'new_logo' end as account_program,
        case
            when reasoned.is_expansion and tier_inputs.is_surging then 'cross_sell'
            when reasoned.is_expansion then 'upsell'
        end as expansion_play,
        reasoned.cluster_key,
        cast(reasoned.priority_score as {{ type_double() }}) as priority_score,
        cast(tier_inputs.fit_score as {{ type_double() }}) as fit_score,
        tier_inputs.fit_grade,
        cast(tier_inputs.estimated_win_probability as {{ type_double() }}) as estimated_win_probability,
        cast(tier_inputs.intent_score as {{ type_double() }}) as intent_score,
        tier_inputs.is_surging,
        tier_inputs.primary_need,
        tier_inputs.top_topics,
        cast(tier_inputs.engagement_score as {{ type_double() }}) as engagement_score,
        tier_inputs.is_engaged,
        tier_inputs.size_band,
        cast(tier_inputs.expected_acv as {{ type_double() }}) as expected_acv,
        tier_inputs.acv_class,
        tier_inputs.is_in_crm,
        coalesce(tier_inputs.is_customer, false) as is_customer,
        tier_inputs.is_excluded
    from reasoned
    inner join tier_inputs
        on reasoned.account_id = tier_inputs.account_id
    inner join evidence
        on reasoned.account_id = evidence.account_id
    left join tier_rules
        on reasoned.tier = tier_rules.tier
)

select * from final
