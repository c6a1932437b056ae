{#- One row per universe account at the latest as-of date: the current-state
    account table BI opens alone (name, firmographics, owner, parent, tier,
    scores, journey stage and the reasons; for a targeted account without an
    active owner, the owner proposed by the territory rules). The published form of
    int_account_targets_current, where the joins live. -#}
with

targets as (
    select * from {{ ref('int_account_targets_current') }}
),

final as (
    select
        targets.account_id,
        targets.owner_id,
        targets.parent_account_id,
        targets.account_name,
        targets.domain,
        targets.industry,
        targets.country_code,
        targets.region,
        targets.size_band,
        targets.crm_status,
        targets.owner_name,
        targets.owner_status,
        targets.proposed_owner_id,
        targets.proposed_owner_name,
        targets.territory,
        targets.parent_account_name,
        targets.tier,
        targets.motion,
        targets.account_program,
        targets.fit_grade,
        targets.primary_need,
        targets.top_topics,
        targets.journey_stage,
        targets.reason_code,
        targets.tier_reason,
        targets.fit_reasons,
        targets.tier_rank,
        targets.employee_count,
        targets.fit_score,
        targets.intent_score,
        targets.engagement_score,
        targets.is_in_crm,
        targets.is_customer,
        targets.is_excluded,
        targets.is_surging,
        targets.is_engaged,
        targets.as_of_date
    from targets
)

select * from final
