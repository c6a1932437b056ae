{#- One row per cutoff and account the ICP scores at that cutoff: the whole
    universe where the cutoff scores it (scoring) or learns from look-alikes
    (int_icp_training_modes), else only the accounts with closed deals by the
    as-of date (all the backtest needs). Carries the current
    profile fields the attributes and exclusions read, and has_history: the
    account itself had closed deals by the cutoff. -#}
with

cutoffs as (
    select * from {{ ref('int_icp_cutoffs') }}
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

enrichment_matches as (
    select * from {{ ref('int_enrichment_companies_matched_to_accounts') }}
),

enrichment_companies as (
    select * from {{ ref('stg_enrichment__companies') }}
),

training as (
    select * from {{ ref('int_icp_training_accounts') }}
),

modes as (
    select * from {{ ref('int_icp_training_modes') }}
),

accounts_with_deals as (
    select account_id from training
    where cutoff_name = 'scoring'
),

scoped as (
    select
        cutoffs.cutoff_name,
        cutoffs.cutoff_date,
        cutoffs.as_of_date,
        accounts.account_id,
        accounts.domain,
        accounts.account_type,
        accounts.industry,
        accounts.sub_industry,
        accounts.employee_count,
        accounts.annual_revenue,
        accounts.country_code,
        accounts.region,
        accounts.founded_year,
        accounts.is_in_crm,
        enrichment_matches.enrichment_domain,
        enrichment_companies.latest_funding_stage,
        extract(year from cutoffs.cutoff_date) - accounts.founded_year as company_age_years
    from accounts
    cross join cutoffs
    inner join modes
        on cutoffs.cutoff_name = modes.cutoff_name
    left join accounts_with_deals
        on accounts.account_id = accounts_with_deals.account_id
    left join enrichment_matches
        on accounts.account_id = enrichment_matches.account_id
    left join enrichment_companies
        on enrichment_matches.enrichment_domain = enrichment_companies.domain
    where
        cutoffs.scores_whole_universe
        or modes.training_mode = 'lookalike'
        or accounts_with_deals.account_id is not null
),

final as (
    select
        scoped.cutoff_name,
        scoped.cutoff_date,
        scoped.as_of_date,
        scoped.account_id,
        scoped.domain,
        scoped.account_type,
        scoped.industry,
        scoped.sub_industry,
        scoped.employee_count,
        scoped.annual_revenue,
        scoped.country_code,
        scoped.region,
        scoped.founded_year,
        cast(scoped.company_age_years as {{ dbt.type_int() }}) as company_age_years,
        scoped.enrichment_domain,
        scoped.latest_funding_stage,
        scoped.is_in_crm,
        training.account_id is not null as has_history
    from scoped
    left join training
        on
            scoped.cutoff_name = training.cutoff_name
            and scoped.account_id = training.account_id
)

select * from final
