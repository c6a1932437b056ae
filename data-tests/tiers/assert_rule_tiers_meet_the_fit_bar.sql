{#- An account the rules (not a sales override) target meets its tier's fit bar
    in seed tier_rules, or was held there for stability. -#}
with

tiers as (
    select * from {{ ref('account_tiers') }}
),

tier_rules as (
    select * from {{ ref('tier_rules') }}
),

final as (
    select
        tiers.account_id,
        tiers.as_of_date,
        tiers.tier,
        tiers.fit_grade,
        tiers.fit_score
    from tiers
    inner join tier_rules
        on tiers.tier = tier_rules.tier
    where
        not tiers.is_override
        and tiers.reason_code != 'held'
        and (
            tiers.fit_score is null
            or tiers.fit_score < tier_rules.min_fit_score
            or tiers.fit_grade is null
            or tiers.fit_grade > tier_rules.min_fit_grade
        )
)

select * from final
