{#- One row per cutoff, account, ICP attribute and bucket the account falls in
    at the cutoff date (long form; an unknown value gives no row), for the
    accounts of int_icp_scoped_accounts.
    Point in time: company age is counted at the cutoff; technologies come from
    int_icp_account_technologies (in use at the cutoff). Residual: industry,
    size, revenue, country, segment and funding stage are the current values
    (staging keeps only the latest version of a record). Technologies: one row
    per technology in the catalog for every account with technology data -
    `uses <tech>` or `does not use <tech>` - and one per category in use. -#}
with

scoped_accounts as (
    select * from {{ ref('int_icp_scoped_accounts') }}
),

technologies as (
    select * from {{ ref('int_icp_account_technologies') }}
),

employee_bands as (
    {{ band_bounds('employee_bands') }}
),

revenue_bands as (
    {{ band_bounds('revenue_bands') }}
),

company_age_bands as (
    {{ band_bounds('company_age_bands') }}
),

single_valued as (
    select
        cutoff_name,
        account_id,
        'industry' as attribute_name,
        industry as bucket
    from scoped_accounts
    where industry is not null

    union all

    select
        cutoff_name,
        account_id,
        'sub_industry' as attribute_name,
        sub_industry as bucket
    from scoped_accounts
    where sub_industry is not null

    union all

    select
        scoped_accounts.cutoff_name,
        scoped_accounts.account_id,
        'employee_band' as attribute_name,
        employee_bands.band_name as bucket
    from scoped_accounts
    inner join employee_bands
        on
            scoped_accounts.employee_count >= employee_bands.lower_bound
            and (
                employee_bands.upper_bound is null
                or scoped_accounts.employee_count < employee_bands.upper_bound
            )

    union all

    select
        scoped_accounts.cutoff_name,
        scoped_accounts.account_id,
        'revenue_band' as attribute_name,
        revenue_bands.band_name as bucket
    from scoped_accounts
    inner join revenue_bands
        on
            scoped_accounts.annual_revenue >= revenue_bands.lower_bound
            and (
                revenue_bands.upper_bound is null
                or scoped_accounts.annual_revenue < revenue_bands.upper_bound
            )

    union all

    select
        cutoff_name,
        account_id,
        'region' as attribute_name,
        region as bucket
    from scoped_accounts
    where region is not null

    union all

    select
        cutoff_name,
        account_id,
        'country' as attribute_name,
        country_code as bucket
    from scoped_accounts
    where country_code is not null

    union all

    select
        scoped_accounts.cutoff_name,
        scoped_accounts.account_id,
        'company_age_band' as attribute_name,
        company_age_bands.band_name as bucket
    from scoped_accounts
    inner join company_age_bands
        on
            scoped_accounts.company_age_years >= company_age_bands.lower_bound
            and (
                company_age_bands.upper_bound is null
                or scoped_accounts.company_age_years < company_age_bands.upper_bound
            )

    union all

    select
        cutoff_name,
        account_id,
        'funding_stage' as attribute_name,
        latest_funding_stage as bucket
    from scoped_accounts
    where latest_funding_stage is not null
),

technology_rows as (
    select
        cutoff_name,
        account_id,
        'technology' as attribute_name,
        {{ dbt.concat([
            "case when is_used then 'uses ' else 'does not use ' end",
            "tech_name",
        ]) }} as bucket
    from technologies

    union all

    select distinct
        cutoff_name,
        account_id,
        'technology_category' as attribute_name,
        tech_category as bucket
    from technologies
    where
        is_used
        and tech_category is not null
),

all_rows as (
    select
        cutoff_name,
        account_id,
        attribute_name,
        bucket
    from single_valued

    union all

    select
        cutoff_name,
        account_id,
        attribute_name,
        bucket
    from technology_rows
),

final as (
    select
        cutoff_name,
        account_id,
        attribute_name,
        cast(bucket as {{ dbt.type_string() }}) as bucket
    from all_rows
)

select * from final
