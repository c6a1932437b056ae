{#- One row per universe account at the as-of date: its tier after capacity
    (tier_rank: the override's, else the tier placed in, else 4 = not_target).
    Overrides take their tier first and use up its capacity. Then tier by tier
    (1, 2, 3) the unplaced accounts wanting that tier or better compete for what
    is left (var tiers_capacity; per primary need for var
    tiers_capacity_per_cluster) in order of desired tier, priority_score (var
    tiers_priority_weights), fit_score, account_id; net-new companies fill only
    the share not reserved for CRM accounts (var tiers_crm_reserved_share), an
    owner's accounts only the owner's rule slots in that tier
    (int_tier_owner_slots; an owner without a row there has no limit;
    owner_capped_rank: the first tier they kept the account out of).
    Overflow goes down a tier, past tier_3 out. -#}
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

owner_slots as (
    select * from {{ ref('int_tier_owner_slots') }}
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
        tier_inputs.is_in_crm,
        tier_inputs.owner_id
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
        cast(null as {{ dbt.type_int() }}) as placed_rank,
        cast(null as {{ dbt.type_int() }}) as owner_capped_rank
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
            placed_{{ k - 1 }}.owner_capped_rank,
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

    owner_ranked_{{ k }} as (
        select
            within_net_new_{{ k }}.*,
            row_number() over (
                partition by within_net_new_{{ k }}.is_contender, within_net_new_{{ k }}.owner_id
                order by
                    within_net_new_{{ k }}.desired_rank asc,
                    within_net_new_{{ k }}.priority_score desc,
                    within_net_new_{{ k }}.fit_score desc,
                    within_net_new_{{ k }}.account_id asc
            ) as owner_seq
        from within_net_new_{{ k }}
    ),

    within_owner_{{ k }} as (
        select
            owner_ranked_{{ k }}.*,
            -- no slots row (a tier without owner capacity, no owner): no limit
            coalesce(
                owner_ranked_{{ k }}.is_contender and owner_ranked_{{ k }}.owner_seq > owner_slots.rule_slots,
                false
            ) as is_owner_capped
        from owner_ranked_{{ k }}
        left join owner_slots
            on owner_ranked_{{ k }}.owner_id = owner_slots.owner_id and owner_slots.tier_rank = {{ k }}
    ),

    ranked_{{ k }} as (
        select
            within_owner_{{ k }}.*,
            row_number() over (
                partition by
                    within_owner_{{ k }}.is_contender and not within_owner_{{ k }}.is_owner_capped,
                    within_owner_{{ k }}.scope_key
                order by
                    within_owner_{{ k }}.desired_rank asc,
                    within_owner_{{ k }}.priority_score desc,
                    within_owner_{{ k }}.fit_score desc,
                    within_owner_{{ k }}.account_id asc
            ) as tier_seq
        from within_owner_{{ k }}
    ),

    placed_{{ k }} as (
        select
            ranked_{{ k }}.account_id,
            case
                when ranked_{{ k }}.placed_rank is not null then ranked_{{ k }}.placed_rank
                when
                    ranked_{{ k }}.is_contender
                    and not ranked_{{ k }}.is_owner_capped
                    and ranked_{{ k }}.tier_seq <= {{ cap }} - coalesce(usage_{{ k }}.used_slots, 0)
                    then {{ k }}
            end as placed_rank,
            coalesce(ranked_{{ k }}.owner_capped_rank, case when ranked_{{ k }}.is_owner_capped then {{ k }} end)
                as owner_capped_rank
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
        allocation_inputs.owner_id,
        -- numerics
        overridden.rule_tier_rank,
        overridden.runs_below_bar,
        overridden.desired_rank,
        overridden.override_rank,
        placed_3.placed_rank,
        placed_3.owner_capped_rank,
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
