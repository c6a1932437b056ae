{#- One row per universe account at the as-of date: what the tier decisions read,
    joined. Fit (int_account_fit_scores), intent (int_account_intent_scores;
    0 and not surging without signals), engagement (int_account_engagement_scores;
    0 and not engaged without activity) and the ACV potential of the account's
    size band (int_acv_potential_by_size_band by employee count; unknown band and
    medium class without a match). is_expansion: a customer, when var
    tiers_customer_treatment = expansion sends customers to the expansion program
    instead of the new-logo tiers. -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

fit_scores as (
    select * from {{ ref('int_account_fit_scores') }}
),

intent_scores as (
    select * from {{ ref('int_account_intent_scores') }}
),

engagement_scores as (
    select * from {{ ref('int_account_engagement_scores') }}
),

acv_bands as (
    select * from {{ ref('int_acv_potential_by_size_band') }}
),

joined as (
    select
        -- ids
        accounts.account_id,
        accounts.owner_id,
        -- strings
        fit_scores.fit_grade,
        fit_scores.exclusion_reason,
        intent_scores.primary_need,
        intent_scores.top_topics,
        coalesce(acv_bands.size_band, 'unknown') as size_band,
        coalesce(acv_bands.acv_class, 'medium') as acv_class,
        -- numerics
        fit_scores.fit_score,
        case fit_scores.fit_grade when 'A' then 1 when 'B' then 2 when 'C' then 3 when 'D' then 4 end
            as fit_grade_rank,
        fit_scores.estimated_win_probability,
        coalesce(intent_scores.intent_score, 0) as intent_score,
        coalesce(engagement_scores.engagement_score, 0) as engagement_score,
        acv_bands.expected_acv,
        case coalesce(acv_bands.acv_class, 'medium') when 'small' then 1 when 'medium' then 2 else 3 end
            as acv_class_rank,
        -- booleans
        accounts.is_in_crm,
        accounts.is_customer,
        coalesce(fit_scores.is_excluded, false) as is_excluded,
        coalesce(intent_scores.is_surging, false) as is_surging,
        coalesce(engagement_scores.is_engaged, false) as is_engaged,
        '{{ var("tiers_customer_treatment") }}' = 'expansion' and coalesce(accounts.is_customer, false)
            as is_expansion,
        -- dates
        as_of.as_of_date
    from accounts
    cross join as_of
    left join fit_scores
        on accounts.account_id = fit_scores.account_id and as_of.as_of_date = fit_scores.as_of_date
    left join intent_scores
        on accounts.account_id = intent_scores.account_id and as_of.as_of_date = intent_scores.as_of_date
    left join engagement_scores
        on accounts.account_id = engagement_scores.account_id and as_of.as_of_date = engagement_scores.as_of_date
    left join acv_bands
        on
            as_of.as_of_date = acv_bands.as_of_date
            and (
                (
                    accounts.employee_count >= acv_bands.min_employees
                    and (acv_bands.max_employees is null or accounts.employee_count <= acv_bands.max_employees)
                )
                or (accounts.employee_count is null and acv_bands.size_band = 'unknown')
            )
),

final as (
    select * from joined
)

select * from final
