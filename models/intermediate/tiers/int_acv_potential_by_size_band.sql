{#- One row per size band (seed size_bands, plus `unknown` for accounts without
    an employee count) as of the scoring date: the ACV an account of that size is
    expected to bring, from the won deals of customers in the band (their average
    new-business/renewal amount in fct_account_snapshots), shrunk towards the
    overall average by var tiers_acv_prior_deals pseudo-customers so a thin band
    does not swing. acv_index = expected / overall; acv_class large at var
    tiers_acv_large_index or more, medium at var tiers_acv_medium_index, else small. -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

snapshots as (
    select * from {{ ref('int_account_snapshots') }}
),

size_bands as (
    select * from {{ ref('size_bands') }}
),

bands as (
    select
        size_bands.size_band,
        size_bands.band_order,
        size_bands.min_employees,
        size_bands.max_employees
    from size_bands

    union all

    select
        'unknown' as size_band,
        0 as band_order,
        null as min_employees,
        null as max_employees
),

customer_acv as (
    select
        snapshots.account_id,
        snapshots.average_annual_contract_value as acv,
        coalesce(size_bands.size_band, 'unknown') as size_band
    from snapshots
    cross join as_of
    inner join accounts
        on snapshots.account_id = accounts.account_id
    left join size_bands
        on
            accounts.employee_count >= size_bands.min_employees
            and (size_bands.max_employees is null or accounts.employee_count <= size_bands.max_employees)
    where
        snapshots.as_of_date = as_of.as_of_date
        and snapshots.average_annual_contract_value > 0
),

overall as (
    select
        cast(avg(cast(customer_acv.acv as {{ exact_decimal() }})) as {{ type_double() }}) as overall_acv,
        count(*) as overall_customers
    from customer_acv
),

band_acv as (
    select
        customer_acv.size_band,
        cast(avg(cast(customer_acv.acv as {{ exact_decimal() }})) as {{ type_double() }}) as average_acv,
        count(*) as customer_count
    from customer_acv
    group by customer_acv.size_band
),

expected as (
    select
        bands.size_band,
        bands.band_order,
        bands.min_employees,
        bands.max_employees,
        coalesce(band_acv.customer_count, 0) as customer_count,
        band_acv.average_acv,
        overall.overall_acv,
        (
            coalesce(band_acv.customer_count, 0) * coalesce(band_acv.average_acv, 0)
            + {{ var('tiers_acv_prior_deals') }} * overall.overall_acv
        ) / (coalesce(band_acv.customer_count, 0) + {{ var('tiers_acv_prior_deals') }}) as expected_acv
    from bands
    cross join overall
    left join band_acv
        on bands.size_band = band_acv.size_band
),

final as (
    select
        expected.size_band,
        as_of.as_of_date,
        cast(expected.band_order as {{ dbt.type_int() }}) as band_order,
        cast(expected.min_employees as {{ dbt.type_bigint() }}) as min_employees,
        cast(expected.max_employees as {{ dbt.type_bigint() }}) as max_employees,
        cast(expected.customer_count as {{ dbt.type_int() }}) as customer_count,
        cast(expected.average_acv as {{ type_double() }}) as average_acv,
        cast(expected.expected_acv as {{ type_double() }}) as expected_acv,
        cast(expected.expected_acv / nullif(expected.overall_acv, 0) as {{ type_double() }}) as acv_index,
        case
            -- No won deal anywhere yet: every band is medium (no evidence either way).
            when
                coalesce(expected.expected_acv / nullif(expected.overall_acv, 0), 1)
                >= {{ var('tiers_acv_large_index') }}
                then 'large'
            when
                coalesce(expected.expected_acv / nullif(expected.overall_acv, 0), 1)
                >= {{ var('tiers_acv_medium_index') }}
                then 'medium'
            else 'small'
        end as acv_class
    from expected
    cross join as_of
)

select * from final
