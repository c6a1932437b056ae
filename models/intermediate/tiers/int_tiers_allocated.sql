{#- One row per universe account at the as-of date: its tier after capacity
    (tier_rank: the override's, else the tier it was placed in, else 4 =
    not_target). Active overrides take their tier first and use up its capacity.
    Then tier by tier (1, 2, 3) the accounts whose desired tier is that one or
    better and that are not placed yet compete for the capacity left (var
    tiers_capacity; per cluster = primary need for the tiers in var
    tiers_capacity_per_cluster), in order of desired tier, priority_score (var
    tiers_priority_weights of fit, intent and engagement), fit_score, then
    account_id; net-new companies (not in the CRM) may fill only the share not
    reserved for CRM accounts (var tiers_crm_reserved_share). Overflow goes down
    a tier, and past tier_3 out. -#}
{%- set capacity = var('tiers_capacity') -%}
{%- set per_cluster = var('tiers_capacity_per_cluster') -%}
{%- set reserved_share = var('tiers_crm_reserved_share') | float -%}
{%- set priority = var('tiers_priority_weights') -%}
with

overridden as (
    select * from {{ ref('int_tiers_overridden') }}
),

tier_inputs as (
    select * from {{ ref('int_tier_inputs_joined') }}
),

allocation_inputs as (
    select
        overridden.account_id,
        coalesce(tier_inputs.primary_need, 'unclustered') as cluster_key,
        overridden.desired_rank,
        overridden.override_rank,
        {{ priority['fit'] }} * coalesce(tier_inputs.fit_score, 0)
        + {{ priority['intent'] }} * tier_inputs.intent_score
        + {{ priority['engagement'] }} * tier_inputs.engagement_score as priority_score,
        tier_inputs.fit_score,
        tier_inputs.is_in_crm
    from overridden
    inner join tier_inputs
        on overridden.account_id = tier_inputs.account_id
),

-- Overrides use up capacity before the rules fill it.
override_usage as (
    select
        allocation_inputs.override_rank as tier_rank,
        allocation_inputs.cluster_key,
        count(*) as used_slots,
        sum(case when allocation_inputs.is_in_crm then 0 else 1 end) as used_net_new_slots
    from allocation_inputs
    where allocation_inputs.override_rank <= 3
    group by allocation_inputs.override_rank, allocation_inputs.cluster_key
),

placed_0 as (
    select
        allocation_inputs.account_id,
        cast(null as {{ dbt.type_int() }}) as placed_rank
    from allocation_inputs
),

{% for k in [1, 2, 3] %}
    {%- set cap = capacity['tier_' ~ k] | int -%}
    {%- set reserved = (cap * reserved_share) | round(0, 'ceil') | int -%}
    {%- set clustered = ('tier_' ~ k) in per_cluster %}
    usage_{{ k }} as (
        select
            {{ 'override_usage.cluster_key' if clustered else "'all'" }} as scope_key,
            sum(override_usage.used_slots) as used_slots,
            sum(override_usage.used_net_new_slots) as used_net_new_slots
        from override_usage
        where override_usage.tier_rank = {{ k }}
        group by {{ 'override_usage.cluster_key' if clustered else "'all'" }}
    ),

    candidates_{{ k }} as (
        select
            allocation_inputs.*,
            placed_{{ k - 1 }}.placed_rank,
            {{ 'allocation_inputs.cluster_key' if clustered else "'all'" }} as scope_key,
            placed_{{ k - 1 }}.placed_rank is null
            and allocation_inputs.override_rank is null
            and allocation_inputs.desired_rank <= {{ k }} as is_candidate
        from allocation_inputs
        inner join placed_{{ k - 1 }}
            on allocation_inputs.account_id = placed_{{ k - 1 }}.account_id
    ),

    net_new_ranked_{{ k }} as (
        select
            candidates_{{ k }}.*,
            row_number() over (
                partition by candidates_{{ k }}.is_candidate, candidates_{{ k }}.is_in_crm, candidates_{{ k }}.scope_key
                order by
                    candidates_{{ k }}.desired_rank asc,
                    candidates_{{ k }}.priority_score desc,
                    candidates_{{ k }}.fit_score desc,
                    candidates_{{ k }}.account_id asc
            ) as crm_group_seq
        from candidates_{{ k }}
    ),

    within_net_new_{{ k }} as (
        select
            net_new_ranked_{{ k }}.*,
            net_new_ranked_{{ k }}.is_candidate
            and (
                net_new_ranked_{{ k }}.is_in_crm
                or net_new_ranked_{{ k }}.crm_group_seq
                <= {{ cap - reserved }} - coalesce(usage_{{ k }}.used_net_new_slots, 0)
            ) as is_contender
        from net_new_ranked_{{ k }}
        left join usage_{{ k }}
            on net_new_ranked_{{ k }}.scope_key = usage_{{ k }}.scope_key
    ),

    ranked_{{ k }} as (
        select
            within_net_new_{{ k }}.*,
            row_number() over (
                partition by within_net_new_{{ k }}.is_contender, within_net_new_{{ k }}.scope_key
                order by
                    within_net_new_{{ k }}.desired_rank asc,
                    within_net_new_{{ k }}.priority_score desc,
                    within_net_new_{{ k }}.fit_score desc,
                    within_net_new_{{ k }}.account_id asc
            ) as tier_seq
        from within_net_new_{{ k }}
    ),

    placed_{{ k }} as (
        select
            ranked_{{ k }}.account_id,
            case
                when ranked_{{ k }}.placed_rank is not null then ranked_{{ k }}.placed_rank
                when
                    ranked_{{ k }}.is_contender
                    and ranked_{{ k }}.tier_seq <= {{ cap }} - coalesce(usage_{{ k }}.used_slots, 0)
                    then {{ k }}
            end as placed_rank
        from ranked_{{ k }}
        left join usage_{{ k }}
            on ranked_{{ k }}.scope_key = usage_{{ k }}.scope_key
    ),
{% endfor %}

allocated as (
    select
        -- ids
        overridden.account_id,
        -- strings
        overridden.previous_tier,
        overridden.rule_miss_reason,
        overridden.override_tier,
        overridden.override_reason,
        overridden.override_owner,
        allocation_inputs.cluster_key,
        -- numerics
        overridden.rule_tier_rank,
        overridden.runs_below_bar,
        overridden.desired_rank,
        overridden.override_rank,
        placed_3.placed_rank,
        coalesce(overridden.override_rank, placed_3.placed_rank, 4) as tier_rank,
        allocation_inputs.priority_score,
        -- booleans
        overridden.is_excluded,
        overridden.is_expansion,
        overridden.is_held,
        -- dates
        overridden.as_of_date,
        overridden.previous_as_of_date,
        overridden.override_expires_on
    from overridden
    inner join allocation_inputs
        on overridden.account_id = allocation_inputs.account_id
    inner join placed_3
        on overridden.account_id = placed_3.account_id
),

final as (
    select * from allocated
)

select * from final
