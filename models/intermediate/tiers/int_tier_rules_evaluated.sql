{#- One row per universe account at the as-of date: the best tier the rules of
    seed tier_rules give it (rule_tier_rank; null when it meets none) and, when
    none, why: no_fit_score, below_fit_bar (misses the fit bar of the loosest
    rule, tier_3 by default) or no_rule_met. A rule is met when the fit grade is
    at least min_fit_grade and fit_score at least min_fit_score, intent and
    engagement are as intent_condition / engagement_condition say (required,
    absent, any), and the ACV class is at least min_acv_class. is_excluded and
    is_expansion (never new-logo targets) are carried for the steps that follow. -#}
with

tier_inputs as (
    select * from {{ ref('int_tier_inputs_joined') }}
),

tier_rules as (
    select * from {{ ref('tier_rules') }}
),

rule_checks as (
    select
        tier_inputs.account_id,
        tier_rules.tier_rank,
        coalesce(
            tier_inputs.fit_grade_rank <= case tier_rules.min_fit_grade
                when 'A' then 1 when 'B' then 2 when 'C' then 3 else 4
            end
            and tier_inputs.fit_score >= tier_rules.min_fit_score,
            false
        ) as meets_fit,
        case tier_rules.intent_condition
            when 'required' then tier_inputs.is_surging
            when 'absent' then not tier_inputs.is_surging
            else true
        end as meets_intent,
        case tier_rules.engagement_condition
            when 'required' then tier_inputs.is_engaged
            when 'absent' then not tier_inputs.is_engaged
            else true
        end as meets_engagement,
        tier_inputs.acv_class_rank >= case tier_rules.min_acv_class
            when 'small' then 1 when 'medium' then 2 else 3
        end as meets_acv
    from tier_inputs
    cross join tier_rules
),

rule_tiers as (
    select
        rule_checks.account_id,
        min(case
            when
                rule_checks.meets_fit and rule_checks.meets_intent and rule_checks.meets_engagement
                and rule_checks.meets_acv
                then rule_checks.tier_rank
        end) as rule_tier_rank,
        max(rule_checks.tier_rank) as loosest_tier_rank
    from rule_checks
    group by rule_checks.account_id
),

-- The loosest rule's fit bar: missing it is the reason an account is out.
loosest_fit as (
    select
        rule_checks.account_id,
        rule_checks.meets_fit
    from rule_checks
    inner join rule_tiers
        on
            rule_checks.account_id = rule_tiers.account_id
            and rule_checks.tier_rank = rule_tiers.loosest_tier_rank
),

evaluated as (
    select
        -- ids
        tier_inputs.account_id,
        -- strings
        case
            when rule_tiers.rule_tier_rank is not null then null
            when tier_inputs.fit_score is null then 'no_fit_score'
            when not loosest_fit.meets_fit then 'below_fit_bar'
            else 'no_rule_met'
        end as rule_miss_reason,
        -- numerics
        rule_tiers.rule_tier_rank,
        -- booleans
        tier_inputs.is_excluded,
        tier_inputs.is_expansion,
        -- dates
        tier_inputs.as_of_date
    from tier_inputs
    inner join rule_tiers
        on tier_inputs.account_id = rule_tiers.account_id
    left join loosest_fit
        on tier_inputs.account_id = loosest_fit.account_id
),

final as (
    select * from evaluated
)

select * from final
